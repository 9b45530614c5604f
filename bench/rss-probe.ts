// Preloaded into a controller process (`node --import <this file> dist/cli.js ...`): at exit it
// writes the process's peak resident set size (getrusage ru_maxrss, kB) as JSON to the file
// named by BENCH_RSS_FILE. The controller's own code is untouched.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ pid: process.pid, maxRssKb: process.resourceUsage().maxRSS }));
  });
}
