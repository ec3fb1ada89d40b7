package io.twisterlab.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Requests the JDK client would not send as written (un-normalised paths, a declared 10 MB body the server should
 * refuse before reading it, invented methods): bytes on a socket, the whole response read until the server closes.
 */
final class RawHttp {
    record Response(int status, String head, String body) {
        boolean isProblem() {
            return head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/problem+json");
        }
    }

    private RawHttp() {
    }

    /**
     * @param head  request line and headers, CRLF-separated, without the final blank line; {@code Connection:
     *              close} is added
     * @param body  bytes sent after the head (may be partial compared with a declared Content-Length)
     */
    static Response exchange(int port, String head, byte[] body) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before reading a body it refuses: read its answer below
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try {
                in.transferTo(buf);
            } catch (IOException e) {
                if (buf.size() == 0) {
                    throw e;
                }
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String responseHead = split < 0 ? text : text.substring(0, split);
            String responseBody = split < 0 ? "" : text.substring(split + 4);
            int status = Integer.parseInt(responseHead.substring(9, 12));
            return new Response(status, responseHead, responseBody);
        } catch (IOException e) {
            throw new UncheckedIOException("raw request to port " + port + " failed: " + e, e);
        }
    }

    /**
     * Sends {@code requestLines} (e.g. {@code "M0000001 /nope HTTP/1.1"}) pipelined on one connection, each with
     * {@code Content-Length: 0} (without it Jetty closes the connection after refusing an unknown method) and the
     * last with {@code Connection: close}, and returns the status of every response, in order.
     */
    static java.util.List<Integer> pipeline(int port, java.util.List<String> requestLines) {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < requestLines.size(); i++) {
            requests.append(requestLines.get(i)).append("\r\nHost: 127.0.0.1:").append(port)
                    .append("\r\nContent-Length: 0")
                    .append(i == requestLines.size() - 1 ? "\r\nConnection: close" : "").append("\r\n\r\n");
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(60_000);
            s.getOutputStream().write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            // responses follow each other without a separator: a body does not end with a line break
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(text);
            while (m.find()) {
                statuses.add(Integer.parseInt(m.group(1)));
            }
            return statuses;
        } catch (IOException e) {
            throw new UncheckedIOException("pipelined requests to port " + port + " failed: " + e, e);
        }
    }
}
