import CMosquitto
import GaugeCore
public import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A libmosquitto client whose network loop runs on its own thread.
///
/// The loop runs threaded (`mosquitto_threaded_set` + `mosquitto_loop_forever`), so the PUBACK of
/// a QoS 1 message leaves only after `onMessage` has returned (`notes/platform.md` §1): whatever
/// the handler made durable before returning is safe when the broker counts it delivered.
///
/// - Important: set every handler before `start()`; libmosquitto deadlocks if a callback is
///   changed from inside a callback.
public final class MQTTClient: @unchecked Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var clientID: String
        public var username: String?
        public var password: String?
        public var keepaliveSeconds: Int
        public var useMQTT5: Bool
        /// MQTT v5: how long the broker keeps the session after a disconnect. libmosquitto sends none by itself,
        /// and without one a v5 session, with the uplinks queued for it, ends with the connection.
        public var sessionExpirySeconds: UInt32
        /// A retained message the broker publishes when the connection dies.
        public var will: (topic: String, payload: String)?
        /// `nil` connects in plain TCP.
        public var tls: TLS?
        /// `false` for a look-in client (`floodgauge capture`): a clean session the broker forgets on disconnect, so
        /// nothing queues up for it between runs.
        public var persistentSession = true

        public init(
            host: String, port: Int, clientID: String, username: String? = nil, password: String? = nil,
            keepaliveSeconds: Int = 60, useMQTT5: Bool = true, sessionExpirySeconds: UInt32 = 86_400,
            will: (topic: String, payload: String)? = nil, tls: TLS? = nil
        ) {
            self.host = host
            self.port = port
            self.clientID = clientID
            self.username = username
            self.password = password
            self.keepaliveSeconds = keepaliveSeconds
            self.useMQTT5 = useMQTT5
            self.sessionExpirySeconds = sessionExpirySeconds
            self.will = will
            self.tls = tls
        }
    }

    /// TLS towards the broker: the broker's certificate is always checked against the CA.
    public struct TLS: Sendable, Equatable {
        /// PEM file with the CA certificate(s) the broker's certificate must chain to.
        public var caFile: String
        /// PEM client certificate and its unencrypted key, for brokers that require one.
        public var certFile: String?
        public var keyFile: String?
        /// Whether the certificate must name `host`; turning it off accepts any certificate the CA signed.
        public var verifyHostname: Bool

        public init(caFile: String, certFile: String? = nil, keyFile: String? = nil, verifyHostname: Bool = true) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.verifyHostname = verifyHostname
        }
    }

    /// Called on the network thread for every message with the index of the first subscription
    /// whose filter matches (the subscription count if none does); the buffers are the library's
    /// and live only until the handler returns.
    public typealias MessageHandler = @Sendable (
        _ subscription: Int, _ topic: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer
    ) -> Void

    public var onMessage: MessageHandler = { _, _, _ in }
    /// Called on the network thread after every (re)connect, once the subscriptions are acknowledged.
    public var onSubscribed: @Sendable () -> Void = {}
    /// Called on the network thread when the broker acknowledged a QoS 1 publish (its message id).
    public var onPublished: @Sendable (Int32) -> Void = { _ in }
    /// Called on the network thread after every accepted (re)connect, before the subscriptions are acknowledged.
    public var onConnected: @Sendable () -> Void = {}
    /// Called once, on the network thread, when the client gives up: the thread ends after it returns.
    public var onFatal: @Sendable (MQTTFailure) -> Void = { _ in }
    /// Called with `true` when the network thread starts its loop and `false` when the loop has ended.
    public var onLoopRunning: @Sendable (Bool) -> Void = { _ in }

    private let handle: OpaquePointer
    private let options: Options
    private let logger: Logger
    private var subscriptions: [(filter: String, qos: Int32)] = []
    /// The filters as topics are matched against them: without a `$share/GROUP/` prefix.
    private var matchFilters: [TopicFilter] = []
    private let state = Mutex(LinkState())
    private var thread: pthread_t?

    private struct LinkState {
        var connected = false
        var pendingSubscriptions: Set<Int32> = []
        var stopping = false
        /// Set by a CONNACK that needs the operator; the loop ends and reports it.
        var failure: MQTTFailure?
        /// The library's latest error log line: for a TLS failure, OpenSSL's reason.
        var lastLibraryError: String?
    }

    /// `mosquitto_lib_init` is not thread-safe; a static let runs it exactly once.
    private static let libraryInitialised: Void = { mosquitto_lib_init() }()

    public init(options: Options, logger: Logger) throws(MQTTError) {
        _ = Self.libraryInitialised
        // A persistent session needs a fixed client id and clean_session = false.
        guard let handle = mosquitto_new(options.clientID, !options.persistentSession, nil) else {
            throw MQTTError(code: MOSQ_ERR_NOMEM.rawValue, context: "creating MQTT client")
        }
        self.handle = handle
        self.options = options
        self.logger = logger
        mosquitto_threaded_set(handle, true)
        // An alert event is one small packet: with Nagle's algorithm it could wait up to 40 ms for the broker's
        // delayed ACK of the one before (the end-to-end benchmark saw the alert latency's p50 fall by a third).
        try MQTTError.check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "setting TCP_NODELAY")
        if options.useMQTT5 {
            try MQTTError.check(
                mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5), "selecting MQTT v5")
        }
        if let username = options.username {
            try MQTTError.check(mosquitto_username_pw_set(handle, username, options.password), "setting credentials")
        }
        if let will = options.will {
            try MQTTError.check(
                mosquitto_will_set(handle, will.topic, Int32(will.payload.utf8.count), will.payload, 1, true),
                "setting the will")
        }
        if let tls = options.tls {
            try MQTTError.check(
                mosquitto_tls_set(handle, tls.caFile, nil, tls.certFile, tls.keyFile, nil), "setting up TLS")
            // 1 is SSL_VERIFY_PEER: the broker's certificate must chain to the CA (the library's default, said here).
            try MQTTError.check(mosquitto_tls_opts_set(handle, 1, nil, nil), "setting TLS options")
            try MQTTError.check(mosquitto_tls_insecure_set(handle, !tls.verifyHostname), "setting TLS host checking")
            if !tls.verifyHostname {
                logger.warning(
                    "TLS host name verification is off: any certificate the CA signed is accepted for \(options.host)")
            }
        }
        mosquitto_reconnect_delay_set(handle, 1, 30, true)
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        installCallbacks()
    }

    deinit {
        mosquitto_destroy(handle)
    }

    /// Adds a subscription, made on every (re)connect; with `sharedGroup` it is a shared
    /// subscription (`$share/GROUP/FILTER`), so several floodgauge instances split the load.
    public func subscribe(_ filter: String, qos: Int32, sharedGroup: String? = nil) {
        subscriptions.append((sharedGroup.map { "$share/\($0)/\(filter)" } ?? filter, qos))
        matchFilters.append(TopicFilter(filter))
    }

    /// Which subscription a topic arrived on, by MQTT's matching rules.
    private func subscriptionIndex(of topic: UnsafeRawBufferPointer) -> Int {
        matchFilters.firstIndex { $0.matches(topic) } ?? matchFilters.count
    }

    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Connects and starts the network thread, which reconnects with backoff for as long as the
    /// client runs: a broker that is down at start is waited for, not fatal. A fatal failure goes to `onFatal`,
    /// here or later on the network thread.
    public func start() throws(MQTTError) {
        // There is no asynchronous connect that takes v5 properties; the blocking one only waits for TCP, and the
        // library keeps the properties for every reconnect.
        var properties: OpaquePointer?
        if options.useMQTT5 {
            try MQTTError.check(
                mosquitto_property_add_int32(
                    &properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), options.sessionExpirySeconds),
                "setting the session expiry")
        }
        defer { mosquitto_property_free_all(&properties) }
        let connect = mosquitto_connect_bind_v5(
            handle, options.host, Int32(options.port), Int32(options.keepaliveSeconds), nil, properties)
        if let failure = MQTTFailure(code: connect, detail: state.withLock { $0.lastLibraryError }) {
            return onFatal(failure)
        }
        if connect != MOSQ_ERR_SUCCESS.rawValue {
            logger.warning(
                "cannot reach MQTT broker \(options.host):\(options.port) yet: \(String(cString: mosquitto_strerror(connect)))"
            )
        }
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let client = Unmanaged<MQTTClient>.fromOpaque(context!).takeRetainedValue()
            client.runLoop()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<MQTTClient>.fromOpaque(context).release()
            throw MQTTError(code: MOSQ_ERR_ERRNO.rawValue, context: "starting the MQTT thread")
        }
        self.thread = thread
    }

    /// Publishes a message; returns its message id (reported to `onPublished` when acknowledged).
    @discardableResult
    public func publish(topic: String, payload: String, qos: Int32, retain: Bool) throws(MQTTError) -> Int32 {
        var mid: Int32 = 0
        var payload = payload
        let rc = payload.withUTF8 { bytes in
            mosquitto_publish(handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, qos, retain)
        }
        try MQTTError.check(rc, "publishing to \(topic)")
        return mid
    }

    /// Disconnects cleanly (the broker does not send the will) and waits for the thread to end.
    public func stop() {
        state.withLock { $0.stopping = true }
        mosquitto_disconnect(handle)
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    private func runLoop() {
        onLoopRunning(true)
        defer { onLoopRunning(false) }
        while true {
            let rc = mosquitto_loop_forever(handle, 1000, 1)
            let (stopping, refused, detail) = state.withLock { ($0.stopping, $0.failure, $0.lastLibraryError) }
            if stopping { return }
            if let failure = refused ?? MQTTFailure(code: rc, detail: detail) {
                return onFatal(failure)
            }
            // loop_forever also returns on errors worth retrying (a v5 broker that is busy); keep trying, as
            // systemd would, instead of leaving the daemon deaf.
            logger.warning("MQTT loop ended: \(String(cString: mosquitto_strerror(rc))); reconnecting")
            sleep(1)
            mosquitto_reconnect(handle)
        }
    }

    // MARK: - Callbacks (network thread)

    private static func client(_ userdata: UnsafeMutableRawPointer?) -> MQTTClient {
        Unmanaged<MQTTClient>.fromOpaque(userdata!).takeUnretainedValue()
    }

    private func installCallbacks() {
        // Only errors: they carry OpenSSL's reason for a failed handshake, which the fatal message quotes.
        mosquitto_log_callback_set(handle) { _, userdata, level, text in
            guard level == MOSQ_LOG_ERR, let text else { return }
            MQTTClient.client(userdata).state.withLock { $0.lastLibraryError = String(cString: text) }
        }
        mosquitto_connect_callback_set(handle) { handle, userdata, rc in
            MQTTClient.client(userdata).connected(rc: rc)
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, rc in
            let client = MQTTClient.client(userdata)
            client.state.withLock { $0.connected = false }
            if rc != 0 { client.logger.warning("MQTT connection lost: \(String(cString: mosquitto_strerror(rc)))") }
        }
        mosquitto_subscribe_callback_set(handle) { _, userdata, mid, count, grantedQoS in
            let client = MQTTClient.client(userdata)
            if let grantedQoS, (0..<Int(count)).contains(where: { grantedQoS[$0] >= 0x80 }) {
                client.logger.error("the broker refused a subscription (mid \(mid))")
            }
            let done = client.state.withLock { state in
                state.pendingSubscriptions.remove(mid) != nil && state.pendingSubscriptions.isEmpty
            }
            if done { client.onSubscribed() }
        }
        // The v5 callback, for the reason code: a broker that refuses a publish (an ACL, a quota) still answers with
        // a PUBACK, and a refused alert must stay unpublished, to be sent again, not count as delivered.
        mosquitto_publish_v5_callback_set(handle) { _, userdata, mid, reasonCode, _ in
            let client = MQTTClient.client(userdata)
            guard reasonCode < 0x80 else {
                return client.logger.error("the broker refused publish \(mid) (MQTT reason code \(reasonCode))")
            }
            client.onPublished(mid)
        }
        mosquitto_message_callback_set(handle) { _, userdata, message in
            guard let message = message?.pointee else { return }
            let topic = UnsafeRawBufferPointer(start: message.topic, count: strlen(message.topic))
            let payload = UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen))
            let client = MQTTClient.client(userdata)
            client.onMessage(client.subscriptionIndex(of: topic), topic, payload)
        }
    }

    private func connected(rc: Int32) {
        guard rc == 0 else {
            if let failure = MQTTFailure(connack: rc, mqtt5: options.useMQTT5) {
                state.withLock { $0.failure = failure }
                // Ends loop_forever, which would otherwise retry a refused 3.1.1 login for ever.
                mosquitto_disconnect(handle)
            } else {
                logger.warning(
                    "the broker refused the connection for now: \(MQTTFailure.connackText(rc, mqtt5: options.useMQTT5)); retrying")
            }
            return
        }
        state.withLock { $0.lastLibraryError = nil }
        logger.info("connected to MQTT broker \(options.host):\(options.port)")
        onConnected()
        var mids: Set<Int32> = []
        for subscription in subscriptions {
            var mid: Int32 = 0
            let rc = mosquitto_subscribe(handle, &mid, subscription.filter, subscription.qos)
            if rc == MOSQ_ERR_SUCCESS.rawValue {
                mids.insert(mid)
            } else {
                logger.error("subscribing to \(subscription.filter) failed: \(String(cString: mosquitto_strerror(rc)))")
            }
        }
        state.withLock {
            $0.connected = true
            $0.pendingSubscriptions = mids
        }
        if mids.isEmpty { onSubscribed() }
    }
}
