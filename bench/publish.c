// A fast libmosquitto publisher of MPSC gauge uplinks for the end-to-end benchmark.
//
//   publish -p PORT -n COUNT -g GAUGES [-o FIRST] -f raw|ttn -q QOS [-r RATE] [-w WINDOW]
//
// Message i goes to gauge FIRST + i % GAUGES: the gauges take turns, as a fleet does. Each carries a valid mpsc-v1
// measurement frame (battery, temperature, up to three distances) with the gauge's own sequence number and, for
// ttn, frame counter, so no two are copies. Levels stay near 1 m: no stage is crossed.
//
// Times: without -r (as fast as the broker takes them) the ttn envelopes carry a report every 15 minutes per
// gauge, ending a minute ago, so a burst of 200 reports per gauge is 50 hours of river, in data time, with three
// samples 5 minutes apart in each frame. With -r RATE (messages/s, paced) every envelope says "now", and a
// frame's samples cover the gauge's real time between two reports. raw uplinks have no time of their own: the
// subscriber takes the arrival time.
//
// At most WINDOW messages (default 1000) are unacknowledged (QoS 1) or unsent (QoS 0) at a time, so the
// publisher keeps the broker busy without queueing the whole run in its own memory. Prints
// "published=N acked=N first=T last=T" (CLOCK_REALTIME seconds of the first publish and the last
// acknowledgement) when every message is acknowledged or written.
#include <mosquitto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long done;  // acknowledged (QoS 1) or written (QoS 0); the network thread counts, the main thread reads

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void onPublish(struct mosquitto *m, void *data, int mid) {
    (void)m, (void)data, (void)mid;
    __atomic_add_fetch(&done, 1, __ATOMIC_RELEASE);
}

static void put16(uint8_t *p, unsigned v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

// The mpsc-v1 measurement frame (spec/mpsc-gauge-payload-v1.md) of report k of gauge g: BAT + TMP, n samples
// `interval` seconds apart, the newest 5 s before the uplink. Returns its length.
static int frame(uint8_t *f, long g, long k, int n, int interval) {
    f[0] = 0x11;
    f[1] = 0x03;
    put16(f + 2, (unsigned)(k & 0xFFFF));
    put16(f + 4, (unsigned)interval);
    f[6] = (uint8_t)n;
    put16(f + 7, 5);
    put16(f + 9, 3600 - (unsigned)(k % 50));     // battery, slowly draining
    put16(f + 11, 80 + (unsigned)((g + k) % 40)); // 8.0 … 11.9 °C
    for (int i = 0; i < n; i++) {
        // 5000 mm below a sensor 6000 mm above the datum: about 100 cm, wobbling by a few millimetres.
        put16(f + 13 + 2 * i, 4995 + (unsigned)((g * 7 + k * 3 + i) % 11));
    }
    return 13 + 2 * n;
}

static void base64(const uint8_t *in, int count, char *out) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int o = 0;
    for (int i = 0; i < count; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < count ? in[i + 1] << 8 : 0) | (i + 2 < count ? in[i + 2] : 0);
        out[o++] = digits[v >> 18 & 63];
        out[o++] = digits[v >> 12 & 63];
        out[o++] = i + 1 < count ? digits[v >> 6 & 63] : '=';
        out[o++] = i + 2 < count ? digits[v & 63] : '=';
    }
    out[o] = 0;
}

// RFC 3339 with nanoseconds, as The Things Stack writes it.
static void rfc3339(int64_t ms, int extraNanos, char *out) {
    time_t seconds = (time_t)(ms / 1000);
    struct tm t;
    gmtime_r(&seconds, &t);
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%06dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
             t.tm_hour, t.tm_min, t.tm_sec, (int)(ms % 1000), extraNanos);
}

// A TTS v3 uplink as published on v3/{app}@{tenant}/devices/{device}/up for one uplink heard by three gateways:
// the shape and size (about 2 KB) of the realistic message in Benchmarks/…/Messages.swift.
static int ttnEnvelope(char *out, size_t size, long g, long k, int64_t receivedMS, const uint8_t *f, int n, int count) {
    char payload[96], at[64], gw[64], as[64];
    base64(f, count, payload);
    rfc3339(receivedMS, 482915, at);
    rfc3339(receivedMS - 231, 0, gw);
    rfc3339(receivedMS + 21, 903112, as);
    char distances[64];
    int used = 0;
    for (int i = 0; i < n; i++) {
        used += snprintf(distances + used, sizeof distances - used, "%s%u", i ? "," : "", f[13 + 2 * i] << 8 | f[14 + 2 * i]);
    }
    return snprintf(out, size,
        "{\"end_device_ids\":{\"device_id\":\"gauge-%06ld\",\"application_ids\":{\"application_id\":\"floodgauge-bench\"},"
        "\"dev_eui\":\"70B3D57EBE%06lX\",\"join_eui\":\"70B3D57ED0000001\",\"dev_addr\":\"260B%04lX\"},"
        "\"correlation_ids\":[\"as:up:01JD4Q3M4V6Y2N8KX0R5T7B9CD\",\"gs:conn:01JD3ZP2K9W3E5R7T9Y1U3I5O7\","
        "\"gs:uplink:01JD4Q3M1Q3W5E7R9T1Y3U5I7O\",\"ns:uplink:01JD4Q3M2A4S6D8F0G2H4J6K8L\"],"
        "\"received_at\":\"%s\",\"uplink_message\":{\"session_key_id\":\"AYv2kP3QeJ1r8mZcXo4bWg==\",\"f_port\":10,"
        "\"f_cnt\":%ld,\"frm_payload\":\"%s\",\"decoded_payload\":{\"seq\":%ld,\"interval_s\":%d,\"age_s\":5,"
        "\"battery_mv\":%u,\"temperature_c\":%.1f,\"distance_mm\":[%s]},"
        "\"rx_metadata\":[{\"gateway_ids\":{\"gateway_id\":\"gw-giessen-wehr\",\"eui\":\"B827EBFFFE8C2A11\"},"
        "\"time\":\"%s\",\"timestamp\":2837465123,\"rssi\":-104,\"channel_rssi\":-104,\"snr\":-2.75,"
        "\"uplink_token\":\"Ch0KGwoPZ3ctZ2llc3Nlbi13ZWhyEgi4J+v//owqERCj2Z2JChoMCM/G+rkGEMD6mL8BIODF2KzCVQ==\","
        "\"channel_index\":4,\"received_at\":\"%s\"},"
        "{\"gateway_ids\":{\"gateway_id\":\"gw-lahnau-kirche\",\"eui\":\"AC1F09FFFE06B3D7\"},"
        "\"time\":\"%s\",\"timestamp\":2837465126,\"rssi\":-91,\"channel_rssi\":-91,\"snr\":7.5,"
        "\"uplink_token\":\"Ch4KHAoQZ3ctbGFobmF1LWtpcmNoZRIIrB8J//4Gs9cQo9mdiQoaDAjPxvq5BhCA4r+/ASDgxdiswlU=\","
        "\"channel_index\":4,\"received_at\":\"%s\"},"
        "{\"gateway_ids\":{\"gateway_id\":\"gw-wetzlar-dom\",\"eui\":\"0016C001FF1A8E42\"},"
        "\"time\":\"%s\",\"timestamp\":2837465130,\"rssi\":-112,\"channel_rssi\":-112,\"snr\":-9.25,"
        "\"uplink_token\":\"Ch0KGwoPZ3ctd2V0emxhci1kb20SCAAWwAH/Go5CEKPZnYkKGgwIz8b6uQYQwLPHvwEg4MXYrMJV\","
        "\"channel_index\":4,\"received_at\":\"%s\"}],"
        "\"settings\":{\"data_rate\":{\"lora\":{\"bandwidth\":125000,\"spreading_factor\":9,\"coding_rate\":\"4/5\"}},"
        "\"frequency\":\"867500000\",\"timestamp\":2837465123,\"time\":\"%s\"},\"received_at\":\"%s\","
        "\"consumed_airtime\":\"0.226304s\",\"network_ids\":{\"net_id\":\"000013\",\"ns_id\":\"EC656E0000000181\","
        "\"tenant_id\":\"ttn\",\"cluster_id\":\"eu1\"}}}",
        g, g, g & 0xFFFF, as, k + 1, payload, k & 0xFFFF, f[5] | f[4] << 8, f[9] << 8 | f[10],
        (f[11] << 8 | f[12]) / 10.0, distances, gw, at, gw, at, gw, at, gw, at);
}

int main(int argc, char **argv) {
    int port = 1883, qos = 1, ttn = 0, option;
    long count = 0, gauges = 0, firstGauge = 0, window = 1000;
    double rate = 0;
    while ((option = getopt(argc, argv, "p:n:g:o:f:q:r:w:")) != -1) {
        switch (option) {
        case 'p': port = atoi(optarg); break;
        case 'n': count = atol(optarg); break;
        case 'g': gauges = atol(optarg); break;
        case 'o': firstGauge = atol(optarg); break;
        case 'f': ttn = strcmp(optarg, "ttn") == 0; break;
        case 'q': qos = atoi(optarg); break;
        case 'r': rate = atof(optarg); break;
        case 'w': window = atol(optarg); break;
        default: return 2;
        }
    }
    if (count <= 0 || gauges <= 0) {
        fprintf(stderr, "usage: publish -p PORT -n COUNT -g GAUGES [-o FIRST] -f raw|ttn -q QOS [-r RATE] [-w WINDOW]\n");
        return 2;
    }
    mosquitto_lib_init();
    struct mosquitto *m = mosquitto_new(NULL, true, NULL);
    mosquitto_max_inflight_messages_set(m, (unsigned)window);
    mosquitto_publish_callback_set(m, onPublish);
    if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "publish: cannot connect to port %d\n", port);
        return 3;
    }
    mosquitto_loop_start(m);

    // A frame covers the time between two reports of its gauge: 15 minutes in a burst, the real period when paced.
    long reports = (count + gauges - 1) / gauges;
    double period = rate > 0 ? gauges / rate : 900;
    int n = period >= 3 ? 3 : period >= 2 ? 2 : 1;
    int interval = (int)(period / n) < 1 ? 1 : (int)(period / n) > 3600 ? 3600 : (int)(period / n);
    int64_t start = (int64_t)(now() * 1000);
    int64_t burstBase = start - (int64_t)reports * 900000 - 60000;

    uint8_t f[64];
    static char message[4096], topic[128];
    double first = 0;
    for (long i = 0; i < count; i++) {
        long g = firstGauge + i % gauges, k = i / gauges;
        if (rate > 0) {
            double due = start / 1000.0 + i / rate, wait = due - now();
            if (wait > 0) usleep((useconds_t)(wait * 1e6));
        }
        while (i - __atomic_load_n(&done, __ATOMIC_ACQUIRE) >= window) usleep(50);
        int length = frame(f, g, k, n, interval);
        const void *payload = f;
        if (ttn) {
            int64_t receivedMS = rate > 0 ? (int64_t)(now() * 1000)
                                          : burstBase + k * 900000 + (i % gauges) * 900000 / gauges;
            length = ttnEnvelope(message, sizeof message, g, k, receivedMS, f, n, length);
            payload = message;
            snprintf(topic, sizeof topic, "v3/floodgauge-bench@ttn/devices/gauge-%06ld/up", g);
        } else {
            snprintf(topic, sizeof topic, "bench/raw/70B3D57EBE%06lX/10", g);
        }
        if (i == 0) first = now();
        int rc;
        while ((rc = mosquitto_publish(m, NULL, topic, length, payload, qos, false)) == MOSQ_ERR_NO_CONN) usleep(1000);
        if (rc != MOSQ_ERR_SUCCESS) {
            fprintf(stderr, "publish: %s\n", mosquitto_strerror(rc));
            return 3;
        }
    }
    while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < count) usleep(100);
    double last = now();
    printf("published=%ld acked=%ld first=%.6f last=%.6f\n", count, __atomic_load_n(&done, __ATOMIC_ACQUIRE), first, last);
    mosquitto_disconnect(m);
    mosquitto_loop_stop(m, false);
    return 0;
}
