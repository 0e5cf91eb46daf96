package workerpool;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/// The tests' end of the worker's `ask PORT QUESTION` job: a server on 127.0.0.1 that worker processes
/// ask their questions, while the test decides each answer and when it comes. So a test can hold a job
/// in a worker for as long as it likes, make a worker crash mid-job (the answer `exit CODE`), and see
/// which process asked what, and how many jobs were waiting at once. Every connection has a thread of
/// its own; the answer is given by `policy`, which may block (with a bounded wait).
final class Desk implements AutoCloseable {

    /// A question as it arrived: its text, the pid of the worker that asked, and that worker's parent.
    record Question(String text, long pid, long parentPid) {}

    @FunctionalInterface
    interface Policy {
        String answer(Question question) throws Exception;
    }

    private final ServerSocket server;
    private final Policy policy;
    private final List<Question> asked = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger mostWaiting = new AtomicInteger();

    Desk(Policy policy) throws IOException {
        this.policy = policy;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("desk-acceptor").start(this::accept);
    }

    /// The job that has a worker ask `question` here.
    String job(String question) {
        return "ask " + server.getLocalPort() + " " + question;
    }

    /// Every question so far, in the order they arrived.
    List<Question> asked() {
        return List.copyOf(asked);
    }

    /// The questions with this text, in the order they arrived.
    List<Question> asked(String text) {
        return asked.stream().filter(q -> q.text().equals(text)).toList();
    }

    /// The most questions that were waiting for their answers at one time.
    int mostWaitingAtOnce() {
        return mostWaiting.get();
    }

    /// Which pid asked which questions, e.g. `{4711=[job-0, job-2], 4712=[job-1]}`.
    String whoAskedWhat() {
        return asked.stream().collect(Collectors.groupingBy(Question::pid, java.util.TreeMap::new,
                Collectors.mapping(Question::text, Collectors.toList()))).toString();
    }

    /// What went wrong at the desk itself, if anything (a worker that sent no question, say).
    List<String> problems() {
        return List.copyOf(problems);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                Thread.ofPlatform().daemon().name("desk-connection").start(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            connection.setSoTimeout(30_000);
            String line = new BufferedReader(new InputStreamReader(connection.getInputStream(), UTF_8)).readLine();
            if (line == null) {
                problems.add("a worker connected and said nothing");
                return;
            }
            int space = line.lastIndexOf(' ');
            long pid = Long.parseLong(line.substring(space + 1));
            long parent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
            var question = new Question(line.substring(0, space), pid, parent);
            asked.add(question);
            mostWaiting.accumulateAndGet(waiting.incrementAndGet(), Math::max);
            String answer;
            try {
                answer = policy.answer(question);
            } finally {
                waiting.decrementAndGet();
            }
            new PrintWriter(connection.getOutputStream(), true, UTF_8).println(answer);
        } catch (Exception e) {
            problems.add(e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
