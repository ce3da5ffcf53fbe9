package dev.ace.core.error;

/**
 * A task was refused: as many tasks as allowed are running and the queue is full, or the task
 * service is closing. Nothing was created; submit again later.
 */
public class TooManyTasksException extends AceException {

    private static final long serialVersionUID = 1L;

    public TooManyTasksException(String message) {
        super(ErrorCode.TOO_MANY_TASKS, message);
    }
}
