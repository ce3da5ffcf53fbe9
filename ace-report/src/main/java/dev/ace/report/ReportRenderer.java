package dev.ace.report;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Renders a result in one format. Implementations are stateless and thread-safe.
 *
 * @param <T> what is rendered (a diff file, a repair result)
 */
public interface ReportRenderer<T> {

    /** Writes the rendering of {@code source} to {@code out} (which the caller closes). */
    void render(T source, OutputStream out) throws IOException;

    /** The media type of what {@link #render} writes, e.g. {@code text/csv; charset=UTF-8}. */
    String mediaType();

    /** The file extension, without the dot: {@code json}, {@code csv}, {@code html}. */
    String fileExtension();
}
