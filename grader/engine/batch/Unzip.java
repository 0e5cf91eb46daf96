package engine.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Extracts a submitted zip without trusting it: no entry may land outside the target folder (zip slip),
 * and the whole may not unpack to more than a homework's worth of bytes (zip bomb).
 */
final class Unzip {

    private static final long MAX_BYTES = 50L * 1024 * 1024;

    private Unzip() {}

    /** Unpacks {@code zip} into {@code target}, which is emptied first. */
    static void extract(Path zip, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        deleteTree(root);
        Files.createDirectories(root);
        long written = 0;
        int entries = 0;
        try (var in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; entries++) {
                Path destination = root.resolve(entry.getName()).normalize();
                if (!destination.startsWith(root) || destination.equals(root)) {
                    throw new IOException("its zip holds an entry outside the zip's folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                    continue;
                }
                Files.createDirectories(destination.getParent());
                written += copy(in, destination, MAX_BYTES - written);
            }
        }
        if (entries == 0) throw new IOException("its zip is empty or not a zip file");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
        }
    }

    /** Copies one entry, refusing to write more than {@code budget} bytes. */
    private static long copy(InputStream in, Path destination, long budget) throws IOException {
        try (var out = Files.newOutputStream(destination)) {
            byte[] buffer = new byte[8192];
            long total = 0;
            for (int read; (read = in.read(buffer)) > 0; ) {
                total += read;
                if (total > budget) {
                    throw new IOException("its zip unpacks to more than " + MAX_BYTES / (1024 * 1024) + " MB");
                }
                out.write(buffer, 0, read);
            }
            return total;
        }
    }
}
