// pacman-sync-privileged as the tests start it (through real sudo, see privileged-harness.ts): the same
// program as the installed one, reading the privileged.conf of this test run instead of /etc's. The
// launcher that sudo runs puts that path first; everything after it is the caller's command line.
import { runAsProgram } from '../../src/privileged/main';

const [configFile, ...argv] = process.argv.slice(2);
runAsProgram(configFile, argv);
