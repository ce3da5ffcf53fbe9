package dev.ace.core.repair;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An immutable row of values in a table's column order, exactly as PostgreSQL prints them, null
 * for SQL NULL. The rows a repair reports ({@link RowChange}) are of this type, so they are shared
 * rather than copied. A subclass must never change its values once built; every mutator of
 * {@link java.util.List} throws. Thread-safe.
 */
public abstract class RowValues extends AbstractList<String> implements RandomAccess {

    protected RowValues() {
    }
}
