import CSystemd

/// Tells systemd how the service is doing (`sd_notify`). Without `NOTIFY_SOCKET` — run by hand or
/// in tests — every call is a no-op, as systemd documents.
public struct ServiceNotifier: Sendable {
    public init() {}

    /// The daemon is ready: database open, subscriptions acknowledged.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }

    public func status(_ status: String) { send("STATUS=\(status)") }

    public func stopping() { send("STOPPING=1") }

    private func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}
