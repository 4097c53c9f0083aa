// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The tests' runner: named checks, run in order, each reported `ok` or `FAIL` with its stack; the process
// exits 1 when any failed.

const checks = [];

export function check(name, body) {
    checks.push([name, body]);
}

export async function run() {
    let failed = 0;
    for (const [name, body] of checks) {
        try {
            await body();
            console.log(`ok    ${name}`);
        } catch (e) {
            failed += 1;
            console.log(`FAIL  ${name}\n      ${e.stack ?? e}`);
        }
    }
    process.exit(failed ? 1 : 0);
}
