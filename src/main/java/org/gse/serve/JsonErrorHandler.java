package org.gse.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the errors that Jetty produces itself, before {@link ApiHandler} runs, in the API's JSON error format
 * {@code {"error": code, "detail": text}} instead of Jetty's HTML page or empty body. Jetty 12 sends two kinds:
 * requests that parse but that its URI compliance rejects (an encoded slash {@code %2F} or backslash, an encoded dot
 * segment, an empty segment), which go through {@link #generateResponse}, and requests that do not parse at all (a
 * bad request line, a header over the size limit), which get the bytes of {@link #badMessageError} before the
 * connection closes.
 */
final class JsonErrorHandler extends ErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorHandler.class);
    private static final String JSON_TYPE = "application/json";

    private final ObjectMapper mapper;

    JsonErrorHandler(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Writes the JSON error for every method. Jetty 12.1.14's base class writes a body only for GET, POST, HEAD and
     * its pseudo-method BAD.
     */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        log.info("Jetty rejected {} {} with {}: {}", request.getMethod(), request.getHttpURI(), code, message);
        byte[] body = body(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        log.info("Jetty rejected an unparsable request with {}: {}", status, reason);
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, JSON_TYPE));
        return ByteBuffer.wrap(body(status, reason));
    }

    private byte[] body(int status, String jettyMessage) {
        String detail = "the request was rejected before it reached the API (HTTP " + status + ")"
                + (jettyMessage == null || jettyMessage.isBlank() ? "" : ": " + jettyMessage);
        if (jettyMessage != null && jettyMessage.toLowerCase(Locale.ROOT).contains("ambiguous")) {
            detail += "; paths must not contain an encoded slash (%2F), an encoded backslash (%5C), an encoded dot"
                    + " segment or an empty segment";
        }
        try {
            return mapper.writeValueAsBytes(ApiHandler.errorBody(mapper, errorCode(status), detail));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a two-field JSON object", e);
        }
    }

    /** Returns the API's error code for a status: the codes {@link ApiHandler} uses, else the reason phrase. */
    static String errorCode(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 500 -> "internal_error";
            default -> HttpStatus.getMessage(status).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        };
    }
}
