package check;

/// Something that records what ran when and draws it as a TimelinePicture: a Timeline's tasks, a
/// LocalServer's requests.
public interface Recording {

    /// What ran between two System.nanoTime() values, as a picture that starts with a line break.
    String picture(long fromNanos, long toNanos);
}
