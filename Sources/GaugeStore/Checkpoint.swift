import CSQLite
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How a checkpoint treats the other connections (`sqlite3_wal_checkpoint_v2`'s modes).
public enum CheckpointMode: Sendable {
    /// Copies what no reader still needs, without waiting for anyone and without holding up the writer.
    case passive
    /// Takes the write lock (waiting for the writer's transaction, then for readers of older snapshots, as long as
    /// the busy timeout allows), then copies everything: the next commit starts the log from the beginning again.
    /// The writer waits while it runs.
    case full
}

/// What a checkpoint found and did, in frames (one page each) of the write-ahead log.
public struct CheckpointResult: Sendable, Equatable {
    /// Frames in the log when the checkpoint looked (frames committed while it ran are not counted); -1 when the
    /// database is not in WAL mode.
    public var logFrames: Int
    /// Of those, the frames now in the database file, by this checkpoint or earlier ones.
    public var checkpointedFrames: Int
    /// Another connection held a lock the checkpoint needed (`SQLITE_BUSY`): another checkpoint was running, or a
    /// `full` one ran out of busy timeout. What could be copied was copied.
    public var busy: Bool

    public init(logFrames: Int, checkpointedFrames: Int, busy: Bool) {
        self.logFrames = logFrames
        self.checkpointedFrames = checkpointedFrames
        self.busy = busy
    }

    /// Every frame the checkpoint saw is in the database file: unless a commit came meanwhile, the next one starts
    /// the log from its beginning. A passive checkpoint falls short only where a reader still reads an older
    /// snapshot, since frames committed while it ran are not in `logFrames`.
    public var isComplete: Bool { checkpointedFrames == logFrames }
}

/// What a writer that handed its checkpoints over (``Connection/handOverCheckpoints(to:)``) shares with the
/// checkpointer on another thread: how far its commits have grown the write-ahead log, and a pause between two of its
/// transactions, for the moment a `full` checkpoint holds the write lock. Lock-free: a commit costs a few atomic
/// operations.
public final class CheckpointHandOver: Sendable {
    /// Frames in the log after the last commit.
    private let logFrames = Atomic(0)
    /// Frames appended since `takeAppendedFrames()` last looked.
    private let appended = Atomic(0)
    /// The checkpointer asks the writer not to begin a transaction.
    private let paused = Atomic(false)
    /// The writer is between `BEGIN` and the end of its transaction.
    private let writing = Atomic(false)

    public init() {}

    /// The frames commits appended since the last call.
    public func takeAppendedFrames() -> Int { appended.exchange(0, ordering: .relaxed) }

    /// Runs `body` while the writer begins no transaction, once the one it is in (if any) has ended; returns `nil`
    /// without running it when that takes longer than `milliseconds`. The writer waits meanwhile, holding no lock.
    public func withWriterPaused<T, E: Error>(
        waitingAtMost milliseconds: Int, _ body: () throws(E) -> T
    ) throws(E) -> T? {
        paused.store(true, ordering: .sequentiallyConsistent)
        defer { paused.store(false, ordering: .sequentiallyConsistent) }
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        // With `writerBegins`, sequentially consistent both ways: either the writer sees the pause and waits, or
        // this sees it writing and waits for its transaction to end.
        while writing.load(ordering: .sequentiallyConsistent) {
            guard ContinuousClock.now < deadline else { return nil }
            usleep(100)
        }
        return try body()
    }

    /// On the writer's thread after each commit, with the frames the log now holds.
    func committed(logFrames frames: Int) {
        let before = logFrames.exchange(frames, ordering: .relaxed)
        // Fewer frames than before: the log started again from its beginning, and holds only what came since.
        appended.add(frames > before ? frames - before : frames, ordering: .relaxed)
    }

    /// On the writer's thread before `BEGIN`: waits while the checkpointer holds it paused.
    func writerBegins() {
        while true {
            while paused.load(ordering: .sequentiallyConsistent) { usleep(100) }
            writing.store(true, ordering: .sequentiallyConsistent)
            if !paused.load(ordering: .sequentiallyConsistent) { return }
            writing.store(false, ordering: .sequentiallyConsistent)
        }
    }

    /// On the writer's thread after `COMMIT` or `ROLLBACK`.
    func writerEnds() { writing.store(false, ordering: .sequentiallyConsistent) }
}

extension Connection {
    /// Copies the write-ahead log into the database file as far as `mode` allows; see `CheckpointResult`. Throws
    /// when the copy fails (a full disk, an I/O error): the log keeps every frame, and a later checkpoint tries
    /// again. A `SQLITE_BUSY` is no error here: `busy` says it.
    public func checkpoint(_ mode: CheckpointMode) throws(SQLiteError) -> CheckpointResult {
        var log: Int32 = -1
        var checkpointed: Int32 = -1
        let rc = sqlite3_wal_checkpoint_v2(
            handle, nil, mode == .passive ? SQLITE_CHECKPOINT_PASSIVE : SQLITE_CHECKPOINT_FULL, &log, &checkpointed)
        let busy = rc & 0xff == SQLITE_BUSY
        guard rc == SQLITE_OK || busy else {
            throw SQLiteError(code: rc, message: lastError, context: "checkpointing the write-ahead log")
        }
        return CheckpointResult(logFrames: Int(log), checkpointedFrames: Int(checkpointed), busy: busy)
    }

    /// How long a statement (or a `full` checkpoint) waits for another connection's lock before it gives up with
    /// `SQLITE_BUSY`. A connection opens with 5 s.
    public func setBusyTimeout(milliseconds: Int) {
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
    }

    /// Turns automatic checkpoints off for this connection, the writer's: its commits only append to the
    /// write-ahead log and report how far it grew to `handOver`, and another connection, on another thread,
    /// checkpoints (`checkpoint(_:)`). A checkpoint syncs the log and the database file (two fsyncs), which is the
    /// slowest thing a commit can otherwise do; this keeps it off the committing thread.
    ///
    /// Each `transaction` then first waits while the checkpointer pauses the writer (`withWriterPaused`). Setting
    /// `PRAGMA wal_autocheckpoint` afterwards gives the checkpoints back to the commits.
    public func handOverCheckpoints(to handOver: CheckpointHandOver) {
        self.handOver = handOver
        sqlite3_wal_autocheckpoint(handle, 0)
        sqlite3_wal_hook(
            handle,
            { context, _, _, frames in
                // SAFETY: `context` is the hand-over this connection holds in `handOver` for as long as it is open.
                Unmanaged<CheckpointHandOver>.fromOpaque(context!).takeUnretainedValue().committed(logFrames: Int(frames))
                return SQLITE_OK
            }, Unmanaged.passUnretained(handOver).toOpaque())
    }
}
