/*
 * The raw sqlite3 floor for `scripts/bench-replay`: inserts the sample rows a replay stored, read back from its
 * database, into a fresh database with the same `samples` table, the same settings floodgauge makes (WAL,
 * synchronous NORMAL, checkpoints at 8192 pages, no memory statistics) and one prepared statement, committing
 * every ROWS_PER_COMMIT rows. Only the inserts are timed: what storing these rows costs with nothing else to do (no decoding, no
 * uplinks, no detectors). CACHE_KIB sets the page cache as replay sets its own; SQLite's default without it.
 *
 *   raw_insert REPLAY_DB OUT_DB ROWS_PER_COMMIT [CACHE_KIB]   prints {"rows":N,"seconds":S}
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct row {
    char gauge[64];
    sqlite3_int64 t, uplink;
    sqlite3_int64 level, raw;
    int has_level, has_raw;
    char gap[32], verdict[32];
    int has_gap, has_verdict;
};

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "raw_insert: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void copy_text(char *to, size_t size, sqlite3_stmt *stmt, int column, int *present) {
    const unsigned char *text = sqlite3_column_text(stmt, column);
    if (present) *present = text != NULL;
    snprintf(to, size, "%s", text ? (const char *)text : "");
}

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: raw_insert REPLAY_DB OUT_DB ROWS_PER_COMMIT [CACHE_KIB]\n");
        return 2;
    }
    long per_commit = atol(argv[3]);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3 *in, *out;
    sqlite3_stmt *stmt;
    check(sqlite3_open_v2(argv[1], &in, SQLITE_OPEN_READONLY, NULL), in, argv[1]);

    char *schema = NULL;
    check(sqlite3_prepare_v2(in, "SELECT sql FROM sqlite_master WHERE name = 'samples'", -1, &stmt, NULL), in, "schema");
    if (sqlite3_step(stmt) == SQLITE_ROW) schema = strdup((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    if (!schema) {
        fprintf(stderr, "raw_insert: %s has no samples table\n", argv[1]);
        return 1;
    }

    size_t count = 0, capacity = 1 << 16;
    struct row *rows = malloc(capacity * sizeof *rows);
    check(sqlite3_prepare_v2(in, "SELECT gauge_id, t, level_mm, raw_mm, gap, uplink_id, verdict FROM samples ORDER BY uplink_id, t",
                             -1, &stmt, NULL), in, "select");
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        if (count == capacity) rows = realloc(rows, (capacity *= 2) * sizeof *rows);
        struct row *r = &rows[count++];
        copy_text(r->gauge, sizeof r->gauge, stmt, 0, NULL);
        r->t = sqlite3_column_int64(stmt, 1);
        r->has_level = sqlite3_column_type(stmt, 2) != SQLITE_NULL;
        r->level = sqlite3_column_int64(stmt, 2);
        r->has_raw = sqlite3_column_type(stmt, 3) != SQLITE_NULL;
        r->raw = sqlite3_column_int64(stmt, 3);
        copy_text(r->gap, sizeof r->gap, stmt, 4, &r->has_gap);
        r->uplink = sqlite3_column_int64(stmt, 5);
        copy_text(r->verdict, sizeof r->verdict, stmt, 6, &r->has_verdict);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(in);

    remove(argv[2]);
    check(sqlite3_open(argv[2], &out), out, argv[2]);
    check(sqlite3_exec(out, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 8192;",
                       NULL, NULL, NULL), out, "pragmas");
    if (argc == 5) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%ld", atol(argv[4]));
        check(sqlite3_exec(out, pragma, NULL, NULL, NULL), out, "cache_size");
    }
    check(sqlite3_exec(out, schema, NULL, NULL, NULL), out, "create");
    check(sqlite3_prepare_v2(out, "INSERT INTO samples (gauge_id, t, level_mm, raw_mm, gap, uplink_id, verdict) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL), out, "insert");

    double start = seconds();
    for (size_t i = 0; i < count; i++) {
        if (i % per_commit == 0) check(sqlite3_exec(out, "BEGIN", NULL, NULL, NULL), out, "begin");
        struct row *r = &rows[i];
        sqlite3_bind_text(stmt, 1, r->gauge, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, r->t);
        r->has_level ? sqlite3_bind_int64(stmt, 3, r->level) : sqlite3_bind_null(stmt, 3);
        r->has_raw ? sqlite3_bind_int64(stmt, 4, r->raw) : sqlite3_bind_null(stmt, 4);
        r->has_gap ? sqlite3_bind_text(stmt, 5, r->gap, -1, SQLITE_STATIC) : sqlite3_bind_null(stmt, 5);
        sqlite3_bind_int64(stmt, 6, r->uplink);
        r->has_verdict ? sqlite3_bind_text(stmt, 7, r->verdict, -1, SQLITE_STATIC) : sqlite3_bind_null(stmt, 7);
        check(sqlite3_step(stmt), out, "step");
        sqlite3_reset(stmt);
        if ((i + 1) % per_commit == 0 || i + 1 == count) check(sqlite3_exec(out, "COMMIT", NULL, NULL, NULL), out, "commit");
    }
    double elapsed = seconds() - start;
    sqlite3_finalize(stmt);
    sqlite3_close(out);
    printf("{\"rows\":%zu,\"seconds\":%.3f}\n", count, elapsed);
    free(rows);
    free(schema);
    return 0;
}
