// The DuckDB peer of bench/run, through @duckdb/node-api (pinned in package.json).
//
//   node bench/duckdb/peer.mjs PLAN.json RESULT.json
//
// PLAN (written by quarry-compare) names a TSV of quads, one a line: subject, predicate,
// object and graph as N-Triples terms (the graph empty for the default graph), and the
// question set in SQL. This script loads the TSV into a new DuckDB database file with the
// schema of the SQLite peer (terms(id, term, value) and quads(s, p, o, g) of term ids, the
// ids assigned by DuckDB itself), runs each question once unmeasured (which also gives its
// answer: rows, the single cell's value, a checksum of every row) and then up to `runs`
// times, and writes the medians as JSON to RESULT. Any error exits with status 1.

import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync, statSync, rmSync, existsSync } from 'node:fs';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

function quote(text) {
    return `'${text.replaceAll("'", "''")}'`;
}

// The answer's checksum, as quarry-compare computes it: the sum of a 32-bit FNV-1a hash of
// each row, a row being its cells' text joined by the byte 0x1f, a cell being a term's
// N-Triples text, an integer ("7"^^<…#integer>, or a count) in decimal, nothing when NULL.
// The sum is kept exactly, in 32-bit halves.
const INTEGER = `"^^<${XSD}integer>`;
function cellText(cell) {
    const text = cell === null ? '' : String(cell);
    return text.length > INTEGER.length && text.startsWith('"') && text.endsWith(INTEGER)
        ? text.slice(1, text.length - INTEGER.length) : text;
}

function rowHash(row) {
    let hash = 0x811c9dc5;
    row.forEach((cell, i) => {
        if (i > 0)
            hash = Math.imul(hash ^ 0x1f, 0x01000193);
        const bytes = Buffer.from(cellText(cell), 'utf8');
        for (const byte of bytes)
            hash = Math.imul(hash ^ byte, 0x01000193);
    });
    return hash >>> 0;
}

class Sum {
    constructor() { this.low = 0; this.high = 0; }
    add(n) {
        this.low += n;
        if (this.low >= 2 ** 32) {
            this.high += Math.floor(this.low / 2 ** 32);
            this.low %= 2 ** 32;
        }
    }
    toString() { return (BigInt(this.high) * 2n ** 32n + BigInt(this.low)).toString(); }
}

function peakRss() {
    return process.resourceUsage().maxRSS * 1024; // kilobytes
}

function median(samples) {
    const sorted = [...samples].sort((a, b) => a - b);
    const n = sorted.length;
    return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

async function main() {
    const [planPath, resultPath] = process.argv.slice(2);
    if (!planPath || !resultPath)
        throw new Error('usage: node peer.mjs PLAN.json RESULT.json');
    const plan = JSON.parse(readFileSync(planPath, 'utf8'));
    for (const file of [plan.database, plan.database + '.wal'])
        if (existsSync(file))
            rmSync(file);

    const instance = await DuckDBInstance.create(plan.database);
    const connection = await instance.connect();
    const run = (sql) => connection.run(sql);

    const started = process.hrtime.bigint();
    await run(`CREATE TEMP TABLE raw AS SELECT * FROM read_csv(${quote(plan.tsv)}, delim = '\t', quote = '',
               escape = '', header = false, auto_detect = false,
               columns = {'s': 'VARCHAR', 'p': 'VARCHAR', 'o': 'VARCHAR', 'g': 'VARCHAR'})`);
    // Each distinct term gets an id; integers and dates keep their lexical value beside it
    // (ISO dates compare as text in their order), as in the SQLite peer.
    await run(`CREATE TABLE terms AS
               SELECT CAST(row_number() OVER () AS BIGINT) AS id, term,
                      CASE WHEN ends_with(term, '"^^<${XSD}integer>') OR ends_with(term, '"^^<${XSD}date>')
                           THEN substr(term, 2, strpos(term, '"^^') - 2) END AS value
               FROM (SELECT s AS term FROM raw UNION SELECT p FROM raw UNION SELECT o FROM raw
                     UNION SELECT g FROM raw WHERE g IS NOT NULL)`);
    await run('CREATE UNIQUE INDEX terms_term ON terms(term)');
    // The quads ordered by predicate, which nearly every question binds, so that DuckDB's
    // zone maps skip the rest; an index on the subject for the point look-ups.
    await run(`CREATE TABLE quads AS
               SELECT DISTINCT ts.id AS s, tp.id AS p, tob.id AS o, coalesce(tg.id, 0) AS g
               FROM raw JOIN terms ts ON ts.term = raw.s JOIN terms tp ON tp.term = raw.p
                        JOIN terms tob ON tob.term = raw.o LEFT JOIN terms tg ON tg.term = raw.g
               ORDER BY p, s, o, g`);
    await run('CREATE INDEX quads_s ON quads(s)');
    await run('DROP TABLE raw');
    await run('CHECKPOINT');
    const loadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rssAfterLoad = peakRss();

    const count = async (sql) => (await connection.runAndReadAll(sql)).getRows()[0][0];
    const facts = Number(await count('SELECT count(*) FROM quads'));
    const version = String(await count('SELECT version()'));

    // Runs one SQL text and reads every value of every row; adds the rows' hashes to
    // `checksum` when given.
    const ask = async (sql, checksum) => {
        const rows = (await connection.runAndReadAll(sql)).getRows();
        const answer = { rows: rows.length, value: '' };
        if (rows.length === 1 && rows[0].length === 1 && rows[0][0] !== null)
            answer.value = String(rows[0][0]);
        if (checksum)
            for (const row of rows)
                checksum.add(rowHash(row));
        return answer;
    };

    const results = [];
    for (const question of plan.questions) {
        const samples = [];
        const result = { rows: 0, value: '', checksum: '0' };
        if (question.point) {
            // Every look-up is one sample; rows and checksums add up over one round.
            for (let round = 0; round <= plan.runs; ++round) {
                let rows = 0;
                const sum = new Sum();
                for (const sql of question.sql) {
                    const began = process.hrtime.bigint();
                    rows += (await ask(sql, round === 0 ? sum : null)).rows;
                    if (round > 0)
                        samples.push(Number(process.hrtime.bigint() - began) / 1e9);
                }
                if (round === 0) {
                    result.rows = rows;
                    result.checksum = sum.toString();
                }
            }
        } else {
            const sum = new Sum();
            const warm = await ask(question.sql[0], sum); // unmeasured
            result.rows = warm.rows;
            result.value = warm.value;
            result.checksum = sum.toString();
            let spent = 0;
            for (let r = 0; r < plan.runs && (r === 0 || spent < plan.budget); ++r) {
                const began = process.hrtime.bigint();
                await ask(question.sql[0], null);
                samples.push(Number(process.hrtime.bigint() - began) / 1e9);
                spent += samples.at(-1);
            }
        }
        result.samples = samples.length;
        result.median = median(samples);
        results.push(result);
    }

    connection.closeSync();
    instance.closeSync();
    writeFileSync(resultPath, JSON.stringify({
        version,
        load_seconds: loadSeconds,
        facts,
        file_bytes: statSync(plan.database).size,
        rss_after_load: rssAfterLoad,
        rss_peak: peakRss(),
        results,
    }));
}

main().catch((error) => {
    console.error(`duckdb peer: ${error.message}`);
    process.exit(1);
});
