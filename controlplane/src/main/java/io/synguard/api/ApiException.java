package io.synguard.api;

/** A request the API refuses: the HTTP status, a short code and a sentence for a person. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String tokenId;

    public ApiException(int status, String code, String detail) {
        this(status, code, detail, null);
    }

    private ApiException(int status, String code, String detail, String tokenId) {
        super(detail);
        this.status = status;
        this.code = code;
        this.tokenId = tokenId;
    }

    /** A refusal of a caller whose token was good but not for this, named for the audit log. */
    static ApiException of(String tokenId, int status, String code, String detail) {
        return new ApiException(status, code, detail, tokenId);
    }

    /** The id of the token the refused request carried, when it was a valid one; else null. */
    String tokenId() {
        return tokenId;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    static ApiException badRequest(String detail) {
        return new ApiException(400, "bad_request", detail);
    }

    static ApiException notFound(String detail) {
        return new ApiException(404, "not_found", detail);
    }
}
