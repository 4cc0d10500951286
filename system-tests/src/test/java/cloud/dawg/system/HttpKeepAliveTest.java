package cloud.dawg.system;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One HTTP/1.1 connection carrying many requests, as browsers and the JDK's client send them: the
 * next request may arrive before the gateway has finished with the previous one. The gateway
 * must answer every one of them (reactor-netty 1.3.6 stopped reading such a connection for good).
 */
class HttpKeepAliveTest {
    static int port;

    @BeforeAll
    static void start() throws Exception {
        port = LiveStack.shared().gatewayHttp;
    }

    @Test
    void shouldAnswerEveryRequestOfAConnectionThatPipelinesAnAsynchronousAndASynchronousOne() throws Exception {
        String session = Sessions.session(List.<String[]>of(new String[]{"alice", "editor"})).toString();
        byte[] body = session.getBytes(StandardCharsets.UTF_8);
        String create = "POST /api/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n" + session;
        String unauthorised = "GET /api/sessions/none HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String openapi = "GET /openapi.yaml HTTP/1.1\r\nHost: localhost\r\n\r\n";
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int round = 0; round < 20; round++) {
                // the creation answers later, from another thread; the 401 at once, while the creation is still open
                out.write((create + unauthorised).getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertEquals(201, readResponse(in, round, "the creation"), "round " + round);
                assertEquals(401, readResponse(in, round, "the 401"), "round " + round);
                out.write(openapi.getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertEquals(200, readResponse(in, round, "the request after them"), "round " + round);
            }
        }
    }

    /** Reads one response with a Content-Length body and returns its status. */
    private static int readResponse(InputStream in, int round, String which) throws IOException {
        String head;
        try {
            head = readHead(in);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("round " + round + ": no answer to " + which + " within 5 s on a reused connection", e);
        }
        int status = Integer.parseInt(head.substring(9, 12));
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        assertEquals(length, in.readNBytes(length).length, "round " + round + ": " + which + " ended early");
        return status;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the gateway closed the connection");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
