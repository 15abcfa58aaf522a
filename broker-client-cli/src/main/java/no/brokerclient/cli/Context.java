package no.brokerclient.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;

/**
 * What a run of {@code broker} sees of the world: the environment, the clock and the two output streams. {@link
 * Main#run} takes it so tests drive the real command line in-process.
 *
 * @param env the environment variables
 * @param clock the local clock (tests shift it to produce clock skew)
 * @param out standard output
 * @param err standard error
 * @param tty whether standard output is a terminal (progress bars)
 */
record Context(Map<String, String> env, Clock clock, PrintWriter out, PrintWriter err, boolean tty) {}
