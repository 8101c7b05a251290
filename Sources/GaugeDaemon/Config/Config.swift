public import GaugeCore

/// Everything floodgauge reads from its config file, checked and with defaults applied.
///
/// Build it with ``Config/load(path:)``; every default lives in the initialisers below, so what the loader does
/// not find in the file stays as written here. Paths are absolute: relative ones in the file are resolved against
/// the directory of the config file.
public struct Config: Sendable, Equatable {
    /// `[mqtt]`.
    public var mqtt: MQTT
    /// `[[source]]`: at least one.
    public var sources: [Source]
    /// `[storage]`.
    public var storage: Storage
    /// `[alerts]`.
    public var alerts: Alerts
    /// `[[gauge]]`: at least one, ids and DevEUIs unique, with `[gauge_defaults]` already filled in.
    public var gauges: [GaugeSettings]
    /// `[metrics]`.
    public var metrics: Metrics

    /// Sections left out take the defaults of an empty section.
    public init(
        mqtt: MQTT = MQTT(),
        sources: [Source],
        storage: Storage = Storage(),
        alerts: Alerts = Alerts(),
        gauges: [GaugeSettings],
        metrics: Metrics = Metrics()
    ) {
        self.mqtt = mqtt
        self.sources = sources
        self.storage = storage
        self.alerts = alerts
        self.gauges = gauges
        self.metrics = metrics
    }

    /// The codec of a gauge that names none, neither itself nor in `[gauge_defaults]`.
    static let defaultCodec = Codec.mpscV1
}

extension Config {
    /// `[mqtt]`: the broker connection, and the topic prefix floodgauge publishes alerts and gauge states under.
    public struct MQTT: Sendable, Equatable {
        /// The MQTT protocol level to connect with; the raw values are what the config file says.
        public enum ProtocolVersion: String, Sendable, CaseIterable {
            case v5 = "v5"
            case v311 = "v3.1.1"
        }

        /// The broker's host name or address.
        public var host: String
        /// 1…65535.
        public var port: Int
        /// The broker keeps floodgauge's persistent session under this id, so it must be unique per broker.
        public var clientID: String
        /// `nil` connects anonymously.
        public var username: String?
        /// A file holding the broker password: the password itself never appears in the config.
        public var passwordFile: String?
        /// 5…3600.
        public var keepaliveSeconds: Int
        /// MQTT v5 unless the broker only speaks 3.1.1.
        public var protocolVersion: ProtocolVersion
        /// MQTT v5: how long the broker keeps the session, and queues uplinks for it, while floodgauge is away.
        /// MQTT 3.1.1 sessions last until the broker's own `persistent_client_expiration`.
        public var sessionExpirySeconds: Int64
        /// Topics are `{prefix}/alerts/{gauge}`, `{prefix}/gauges/{gauge}/state` and `{prefix}/status`;
        /// never empty, without wildcards or a trailing `/`.
        public var prefix: String
        /// TLS is on when this is set: the PEM file of the CA the broker's certificate must chain to.
        public var caFile: String?
        /// A client certificate and its unencrypted key (PEM), both or neither, for brokers that require one.
        public var certFile: String?
        public var keyFile: String?
        /// Whether the broker's certificate must name `host`. Off only on purpose: then any certificate the CA
        /// signed passes, and the daemon says so in its log.
        public var tlsVerifyHostname: Bool

        /// The defaults are those of an empty `[mqtt]` section.
        public init(
            host: String = "127.0.0.1",
            port: Int = 1883,
            clientID: String = "floodgauge",
            username: String? = nil,
            passwordFile: String? = nil,
            keepaliveSeconds: Int = 60,
            protocolVersion: ProtocolVersion = .v5,
            sessionExpirySeconds: Int64 = 86_400,
            prefix: String = "floodgauge",
            caFile: String? = nil,
            certFile: String? = nil,
            keyFile: String? = nil,
            tlsVerifyHostname: Bool = true
        ) {
            self.host = host
            self.port = port
            self.clientID = clientID
            self.username = username
            self.passwordFile = passwordFile
            self.keepaliveSeconds = keepaliveSeconds
            self.protocolVersion = protocolVersion
            self.sessionExpirySeconds = sessionExpirySeconds
            self.prefix = prefix
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.tlsVerifyHostname = tlsVerifyHostname
        }
    }

    /// `[metrics]`: the Prometheus endpoint.
    public struct Metrics: Sendable, Equatable {
        /// Where `/metrics` and `/healthz` are served; `nil` (the default) serves nothing.
        public var listen: ListenAddress?
        /// The endpoint has no authentication, so an address other than loopback needs this set on purpose.
        public var allowRemote: Bool

        /// The defaults are those of an empty `[metrics]` section.
        public init(listen: ListenAddress? = nil, allowRemote: Bool = false) {
            self.listen = listen
            self.allowRemote = allowRemote
        }
    }

    /// `[[source]]`: one MQTT subscription delivering uplinks in one envelope format.
    public struct Source: Sendable, Equatable {
        /// An MQTT topic filter: `+` and `#` only as whole levels, `#` only last.
        public var topic: String
        /// How the network server wraps the uplinks arriving on `topic`.
        public var format: EnvelopeFormat
        /// The subscription's QoS: 1, or 0 where the file says so. Never 2: with libmosquitto a QoS 2 message in
        /// its second phase is lost on a crash.
        public var qos: Int
        /// Subscribe as a member of this shared-subscription group (`[A-Za-z0-9_-]+`), so several floodgauge
        /// instances share the load.
        public var sharedGroup: String?

        /// The defaults are those of a `[[source]]` that sets only `topic` and `format`.
        public init(topic: String, format: EnvelopeFormat, qos: Int = 1, sharedGroup: String? = nil) {
            self.topic = topic
            self.format = format
            self.qos = qos
            self.sharedGroup = sharedGroup
        }
    }

    /// `[storage]`.
    public struct Storage: Sendable, Equatable {
        /// The SQLite database file.
        public var database: String
        /// The ingest ring: a memory-mapped file that holds what the broker delivered until SQLite has it.
        public var ring: String
        /// Raw uplinks (frame bytes and metadata) older than this are pruned; samples and alerts are kept.
        /// `nil` keeps them forever.
        public var retainUplinksSeconds: Int64?

        /// The default is that of an empty `[storage]` section.
        public init(
            database: String = "/var/lib/floodgauge/floodgauge.db", ring: String = "/var/lib/floodgauge/floodgauge.ring",
            retainUplinksSeconds: Int64? = 365 * 86_400
        ) {
            self.database = database
            self.ring = ring
            self.retainUplinksSeconds = retainUplinksSeconds
        }
    }

    /// `[alerts]`: the human-readable alert log.
    public struct Alerts: Sendable, Equatable {
        /// The file that gets one line per alert transition.
        public var log: String
        /// The language of the alert texts.
        public var language: AlertLanguage

        /// The defaults are those of an empty `[alerts]` section.
        public init(log: String = "/var/log/floodgauge/alerts.log", language: AlertLanguage = .de) {
            self.log = log
            self.language = language
        }
    }
}
