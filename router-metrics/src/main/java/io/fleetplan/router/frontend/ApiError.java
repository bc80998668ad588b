package io.fleetplan.router.frontend;

/**
 * An error answered in OpenAI's JSON shape: {@code {"error":{"message","type","param","code"}}}.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final String errorType;
    private final Integer retryAfterSeconds;

    /**
     * An error with its HTTP status and OpenAI fields.
     *
     * @param status     HTTP status
     * @param type       OpenAI error type (invalid_request_error, not_found_error, ...)
     * @param param      the request field at fault, or null
     * @param code       machine-readable code, or null
     * @param errorType  Dynamo's error_type metric label (validation, not_found, overload, unavailable, internal, ...)
     */
    public ApiError(
            int status,
            String type,
            String message,
            String param,
            String code,
            String errorType,
            Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.errorType = errorType;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", message, param, null, "validation", null);
    }

    public static ApiError notFound(String message, String param, String code) {
        return new ApiError(404, "invalid_request_error", message, param, code, "not_found", null);
    }

    public static ApiError unavailable(String message, int retryAfterSeconds) {
        return new ApiError(
                503, "service_unavailable", message, null, "no_ready_pool", "unavailable", retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public String errorType() {
        return errorType;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
