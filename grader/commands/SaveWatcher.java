package commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

/**
 * Waits for a file to be saved. The folder's WatchService wakes it at once where the operating system tells of
 * changes (Linux, Windows); polling the file's last-modified time and size catches them where it does not
 * (macOS's WatchService itself polls, every few seconds). An editor that writes twice in a row, or writes a
 * temporary file and renames it, makes one save: the file must keep still for a moment first.
 */
final class SaveWatcher implements AutoCloseable {

    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration QUIET_PERIOD = Duration.ofMillis(300);

    /** What polling compares; null fields while the file is missing (between an editor's delete and rename). */
    private record Stamp(FileTime modified, long size) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.lastModifiedTime(), attributes.size());
            } catch (IOException e) {
                return new Stamp(null, -1);
            }
        }

        boolean exists() {
            return modified != null;
        }
    }

    private final Path file;
    private final WatchService events;
    private Stamp seen;

    SaveWatcher(Path file) {
        this.file = file.toAbsolutePath();
        this.events = folderEvents(this.file.getParent());
        this.seen = Stamp.of(this.file);
    }

    /**
     * Returns once the file has been saved and has kept still for a moment. A save made while the caller was
     * busy (grading the last one) counts too.
     */
    void awaitSave() throws InterruptedException {
        boolean saved = false;
        while (!saved) {
            saved = touched(POLL_INTERVAL) || !Stamp.of(file).equals(seen);
        }
        seen = settled();
        dropPendingEvents();
    }

    /** The file's stamp once it exists and has not changed for the quiet period. */
    private Stamp settled() throws InterruptedException {
        Stamp last = Stamp.of(file);
        while (true) {
            Thread.sleep(QUIET_PERIOD.toMillis());
            Stamp now = Stamp.of(file);
            if (now.exists() && now.equals(last)) return now;
            last = now;
        }
    }

    /** The events of the writes that made up this save. */
    private void dropPendingEvents() {
        if (events == null) return;
        for (WatchKey key = events.poll(); key != null; key = events.poll()) {
            key.pollEvents();
            key.reset();
        }
    }

    /** Whether the folder reported an event about the file within the time given. */
    private boolean touched(Duration wait) throws InterruptedException {
        if (events == null) {
            Thread.sleep(wait.toMillis());
            return false;
        }
        WatchKey key = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (key == null) return false;
        boolean aboutFile = key.pollEvents().stream().anyMatch(event -> file.getFileName().equals(event.context()));
        key.reset();
        return aboutFile;
    }

    /** The folder's change events, or null where the file system has none: then polling alone finds saves. */
    private static WatchService folderEvents(Path folder) {
        try {
            WatchService service = folder.getFileSystem().newWatchService();
            folder.register(service, ENTRY_CREATE, ENTRY_MODIFY);
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        if (events != null) events.close();
    }
}
