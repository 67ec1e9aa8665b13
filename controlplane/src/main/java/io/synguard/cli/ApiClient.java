package io.synguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.config.TokenFile;
import io.synguard.json.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** A client of the daemon's REST API, for the CLI's commands: HTTP, or HTTPS. */
final class ApiClient {
    private final HttpClient http;
    private final String base;
    private final Path tokenFile;

    /** https: speak TLS, trusting the CAs in cacert, or the system's when it is null. */
    ApiClient(String listen, Path tokenFile, boolean https, Path cacert) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (cacert != null) {
            builder.sslContext(CaTrust.context(cacert));
        }
        this.http = builder.build();
        this.base = (https ? "https://" : "http://") + listen;
        this.tokenFile = tokenFile;
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    JsonNode patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    private JsonNode send(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofMinutes(2))
                    .header("Authorization", "Bearer " + TokenFile.read(tokenFile));
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = response.body().length == 0 ? null : Json.mapper().readTree(response.body());
            if (response.statusCode() >= 400) {
                String detail = json != null && json.has("detail") ? json.get("detail").asText() : "HTTP " + response.statusCode();
                throw new IllegalStateException(detail + " (HTTP " + response.statusCode() + ")");
            }
            return json;
        } catch (ConnectException e) {
            throw new IllegalStateException("no synguard daemon answers at " + base + "; is 'synguard run' going?", e);
        } catch (SSLException e) {
            throw new IllegalStateException("TLS with " + base + " failed: " + e.getMessage()
                    + " (does --cacert hold the CA of the daemon's --tls-cert?)", e);
        } catch (IOException e) {
            throw new IllegalStateException("talking to " + base + " failed: " + e.getMessage()
                    + (base.startsWith("http:") ? " (if the daemon serves HTTPS, give --cacert FILE or --tls)" : ""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
