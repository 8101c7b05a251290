// The floor: a libmosquitto subscriber that only counts messages. What receiving alone costs, to weigh
// floodgauge against on the same broker, protocol and QoS.
//
//   floor -p PORT -q QOS -n COUNT [-i IDLE_S] [-5] FILTER…
//
// Prints "subscribed" once the broker has acknowledged the subscriptions, then, after COUNT messages or IDLE_S
// seconds without one, "count=N first=T last=T" (CLOCK_REALTIME seconds of the first and last message), and waits
// for SIGTERM: the benchmark reads the process's CPU time and peak RSS from /proc before it goes.
#include <mosquitto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long expected;
static long count;
static double first, last;
static int qos = 1;
static char **filters;
static int filterCount;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void onConnect(struct mosquitto *m, void *data, int rc) {
    (void)data;
    if (rc != 0) {
        fprintf(stderr, "floor: connection refused (%d)\n", rc);
        exit(3);
    }
    mosquitto_subscribe_multiple(m, NULL, filterCount, filters, qos, 0, NULL);
}

static void onSubscribe(struct mosquitto *m, void *data, int mid, int n, const int *granted) {
    (void)m, (void)data, (void)mid, (void)n, (void)granted;
    printf("subscribed\n");
    fflush(stdout);
}

static void onMessage(struct mosquitto *m, void *data, const struct mosquitto_message *message) {
    (void)m, (void)data, (void)message;
    last = now();
    if (count++ == 0) first = last;
}

int main(int argc, char **argv) {
    int port = 1883, protocol = MQTT_PROTOCOL_V311, option;
    double idle = 10;
    while ((option = getopt(argc, argv, "p:q:n:i:5")) != -1) {
        switch (option) {
        case 'p': port = atoi(optarg); break;
        case 'q': qos = atoi(optarg); break;
        case 'n': expected = atol(optarg); break;
        case 'i': idle = atof(optarg); break;
        case '5': protocol = MQTT_PROTOCOL_V5; break;
        default: return 2;
        }
    }
    filters = argv + optind;
    filterCount = argc - optind;
    if (filterCount == 0 || expected <= 0) {
        fprintf(stderr, "usage: floor -p PORT -q QOS -n COUNT [-i IDLE_S] [-5] FILTER…\n");
        return 2;
    }
    mosquitto_lib_init();
    struct mosquitto *m = mosquitto_new(NULL, true, NULL);
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, protocol);
    mosquitto_connect_callback_set(m, onConnect);
    mosquitto_subscribe_callback_set(m, onSubscribe);
    mosquitto_message_callback_set(m, onMessage);
    if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "floor: cannot connect to port %d\n", port);
        return 3;
    }
    // mosquitto_loop is what mosquitto_loop_forever runs; called here directly so the idle timeout can end it.
    double quietSince = now();
    long seen = 0;
    while (count < expected) {
        if (mosquitto_loop(m, 100, 1) != MOSQ_ERR_SUCCESS) mosquitto_reconnect(m);
        if (count != seen) {
            seen = count;
            quietSince = now();
        } else if (now() - quietSince > idle) {
            break;
        }
    }
    printf("count=%ld first=%.6f last=%.6f\n", count, first, last);
    fflush(stdout);
    // Keep acknowledging (a QoS 1 message still in flight) until told to go.
    signal(SIGTERM, SIG_DFL);
    for (;;) mosquitto_loop(m, 1000, 1);
}
