import { runCli } from './program';

// The `cairn` executable. Exit codes: 0 ok, 1 error, 2 usage.
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
