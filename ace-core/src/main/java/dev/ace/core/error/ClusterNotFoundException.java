package dev.ace.core.error;

/** No cluster definition of the requested name exists where ACE looks for them. */
public class ClusterNotFoundException extends AceException {

    private static final long serialVersionUID = 1L;

    public ClusterNotFoundException(String message) {
        super(ErrorCode.CLUSTER_NOT_FOUND, message);
    }
}
