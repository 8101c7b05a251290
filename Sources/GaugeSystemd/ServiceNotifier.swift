import CSystemd

/// Tells systemd how the service is doing (`sd_notify`). Without `NOTIFY_SOCKET` — run by hand or
/// in tests — every call is a no-op, as systemd documents.
public struct ServiceNotifier: Sendable {
    public init() {}

    /// The daemon is ready: database open, ring drained, subscriptions acknowledged.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }

    public func status(_ status: String) { send("STATUS=\(status)") }

    /// A reload begins; `ready(status:)` ends it.
    public func reloading() { send("RELOADING=1") }

    public func stopping() { send("STOPPING=1") }

    /// The process is alive and making progress.
    public func watchdog() { send("WATCHDOG=1") }

    /// How often systemd expects `watchdog()`, in microseconds, or `nil` when the unit has no `WatchdogSec=` (or
    /// the watchdog is meant for another process).
    public var watchdogInterval: UInt64? {
        var usec: UInt64 = 0
        return sd_watchdog_enabled(0, &usec) > 0 && usec > 0 ? usec : nil
    }

    private func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}
