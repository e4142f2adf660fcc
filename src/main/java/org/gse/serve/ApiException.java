package org.gse.serve;

/**
 * A request that fails with an HTTP status and a JSON body {@code {"error": code, "detail": text}}.
 *
 * @see ApiHandler
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Integer retryAfterSeconds;

    ApiException(int status, String code, String detail) {
        this(status, code, detail, null);
    }

    ApiException(int status, String code, String detail, Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiException badRequest(String detail) {
        return new ApiException(400, "bad_request", detail);
    }

    static ApiException notFound(String detail) {
        return new ApiException(404, "not_found", detail);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** Seconds for the {@code Retry-After} header, or null for none. */
    Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
