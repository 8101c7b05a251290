import GaugeStore
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Copies the write-ahead log into the database file on a thread of its own, so the pipeline thread's commits only
/// append to the log. A checkpoint syncs the log and the database file, two fsyncs of up to 32 MiB each; on the
/// committing thread (SQLite's automatic checkpoint) they took 15–56 ms, held up the batch being committed and made
/// the slowest alerts.
///
/// Passive checkpoints never wait for, or hold up, the writer or a reader: one runs when commits have added
/// `Policy.frames` to the log, or `Policy.interval` after the last one when anything was added at all. Then the
/// writer starts the log from its beginning again at its next commit, and the file stays about 32 MiB long. (That
/// commit syncs the log's new header, SQLite's one fsync left on the committing thread: a small one, but the reason
/// the interval is long.)
///
/// That takes a moment when no commit comes, though: a checkpoint copies only the frames there were when it began,
/// and takes tens of milliseconds. Under a steady stream (100 messages a second is enough) each one ends with a few
/// new frames behind it, and the log would grow for good. So when it holds `Policy.limit` frames, a second passive checkpoint copies what came in the
/// meantime, and a `full` one the last few commits' frames while the writer waits between two transactions
/// (`CheckpointHandOver.withWriterPaused`): the writer waits for that one, a few ms every `limit` frames (every few
/// seconds at 1000 messages a second), instead of for every checkpoint.
///
/// A reader of an older snapshot (a long query, `sqlite3 .backup`) holds the log back from that snapshot on until it
/// ends: passive checkpoints copy up to it, and no full one runs meanwhile, because it would hold the writer up
/// waiting. A checkpoint that fails (a full disk, an I/O error) loses nothing: the frames stay in the log, it is
/// said once, and the next try comes `Policy.retry` later.
final class Checkpointer: @unchecked Sendable {
    struct Policy: Sendable {
        /// Frames commits add to the log before a checkpoint; the automatic checkpoint's size.
        var frames = Connection.automaticCheckpointFrames
        /// Frames the log may hold before a full checkpoint closes it.
        var limit = 4 * Connection.automaticCheckpointFrames
        /// Milliseconds after a checkpoint before the next one for a log that grows slowly, when anything was added.
        var interval: Int64 = 60_000
        /// Milliseconds after a checkpoint that failed, or that a reader held back, before the next try.
        var retry: Int64 = 5000
        /// How long the full checkpoint may wait for readers of older snapshots, with the writer paused.
        var fullBusyMilliseconds = 20
        /// How long the full checkpoint waits for the writer's transaction to end (a large batch takes a while).
        var writerWaitMilliseconds = 2000
        /// How often the thread looks at the log's growth, in microseconds.
        var poll: useconds_t = 20_000
    }

    /// What the checkpoints did so far; for the tests.
    struct Counts: Sendable, Equatable {
        /// Rounds: each a passive checkpoint, some followed by a full one.
        var rounds = 0
        var full = 0
        var failed = 0
        /// The most frames the log held when a checkpoint looked.
        var largestLog = 0
    }

    private let connection: Connection
    private let handOver = CheckpointHandOver()
    private let policy: Policy
    private let logger: Logger
    private let stopRequested = Atomic(false)
    private var thread: pthread_t?
    private let counts = Mutex(Counts())
    /// Why checkpoints fail, while they do; written and read on the thread only.
    private var trouble: String?
    /// Whether a reader holds the log past `limit`, so it is said once.
    private var heldBack = false

    /// Opens a connection of its own to `writer`'s database and turns `writer`'s automatic checkpoints off.
    init(writer: Connection, logger: Logger, policy: Policy = Policy()) throws(DaemonError) {
        do {
            connection = try Connection(path: writer.path)
        } catch {
            throw DaemonError("cannot open database for checkpoints: \(error)")
        }
        // Only the full checkpoint waits, and then the writer waits too.
        connection.setBusyTimeout(milliseconds: policy.fullBusyMilliseconds)
        self.policy = policy
        self.logger = logger
        writer.handOverCheckpoints(to: handOver)
    }

    var snapshot: Counts { counts.withLock { $0 } }

    func start() throws(DaemonError) {
        thread = try startThread("checkpoint") { self.run() }
    }

    /// Ends the thread after one last checkpoint, which copies everything once the writer has stopped. Call it
    /// before the writer's store closes; calling it again does nothing.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private func run() {
        // Unknown at the start (the migrations and the gauges went into the log): look once.
        var added = 1
        var left = 0
        var next = Liveness.monotonicMilliseconds()
        while true {
            let stopping = stopRequested.load(ordering: .acquiring)
            added += handOver.takeAppendedFrames()
            let now = Liveness.monotonicMilliseconds()
            // After a failure only the clock counts: a full disk is not retried at every commit.
            let due = (added >= policy.frames && trouble == nil) || ((added > 0 || left > 0) && now >= next)
            if stopping || due {
                left = checkpoint()
                added = 0
                next = now + (left > 0 ? policy.retry : policy.interval)
            }
            if stopping { return }
            usleep(policy.poll)
        }
    }

    /// One round; returns the frames left to copy: what a reader still holds back, or some when it failed.
    private func checkpoint() -> Int {
        do {
            var result = try connection.checkpoint(.passive)
            var full = 0
            if result.isComplete && result.logFrames >= policy.limit {
                // The log never got back to its start: copy what came meanwhile, then the last few commits' frames
                // with the writer paused.
                _ = try connection.checkpoint(.passive)
                let closed = try handOver.withWriterPaused(waitingAtMost: policy.writerWaitMilliseconds) {
                    () throws(SQLiteError) in try connection.checkpoint(.full)
                }
                if let closed {
                    result = closed
                    full = 1
                } else {
                    logger.debug("checkpoint: the writer's transaction did not end within \(policy.writerWaitMilliseconds) ms")
                }
            }
            if result.busy { logger.debug("checkpoint: another connection holds the write-ahead log; trying later") }
            counts.withLock { counts in
                counts.rounds += 1
                counts.full += full
                counts.largestLog = max(counts.largestLog, result.logFrames)
            }
            if let trouble {
                logger.notice("checkpoints work again (\(trouble))")
                self.trouble = nil
            }
            let left = max(result.logFrames - result.checkpointedFrames, 0)
            if left > 0, result.logFrames >= policy.limit, !heldBack {
                logger.info(
                    "write-ahead log at \(result.logFrames) frames: a reader holds \(left) back from the database file until it ends")
            }
            heldBack = left > 0 && result.logFrames >= policy.limit
            return left
        } catch {
            counts.withLock { $0.failed += 1 }
            let reason = "\(error)"
            if trouble != reason {
                logger.warning("checkpoint failed: \(reason); the write-ahead log keeps everything, trying again")
                trouble = reason
            }
            return 1
        }
    }
}
