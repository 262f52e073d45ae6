-- Per-ticker metrics once a minute: AWS's tumbling-window count, with the average, lowest and
-- highest price of each window (FLOOR(ROWTIME TO MINUTE) is the same tumbling window as STEP).
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    "ticker_symbol" VARCHAR(4),
    "trades"        INTEGER,
    "avg_price"     DOUBLE,
    "min_price"     DOUBLE,
    "max_price"     DOUBLE);
CREATE OR REPLACE PUMP "METRICS_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM "TICKER_SYMBOL", COUNT(*), AVG("PRICE"), MIN("PRICE"), MAX("PRICE")
    FROM "SOURCE_SQL_STREAM_001"
    GROUP BY "TICKER_SYMBOL", FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE);
