import GaugeMQTT

extension MQTTClient {
    /// What the daemon hangs on the broker link besides messages and acknowledgements: the status topic on every
    /// connect, the network loop's liveness, and the stop a fatal failure calls for. Before `start()`.
    func attachDaemonHooks(status: StatusTopic, liveness: Liveness, fatal: FatalStop, settings: Config.MQTT) {
        onConnected = { [unowned self] in status.publishOnline(self, at: .now()) }
        onLoopRunning = { liveness.mqttLoopAlive = $0 }
        onFatal = { failure in fatal.stop(DaemonError(settings.advice(for: failure))) }
    }
}
