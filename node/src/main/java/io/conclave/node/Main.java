package io.conclave.node;

import io.conclave.node.cluster.ClusterException;
import io.conclave.range.client.KvException;
import io.conclave.storage.StoreMismatchException;
import java.io.PrintWriter;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code conclave} command line. Exit codes: 0 success, 1 failure, 2 bad usage. */
@Command(
        name = "conclave",
        mixinStandardHelpOptions = true,
        version = "conclave 0.1.0-SNAPSHOT",
        description = "Conclave: a sharded, replicated, transactional database.",
        // The benchmarks live in their own module above this one; the launcher script dispatches
        // `conclave bench ...` to it, so the verb is listed here rather than registered.
        footer = {"", "Benchmarks (through the ./conclave launcher):",
            "  bench   Runs a benchmark against real node processes: 'conclave bench raft --help'."},
        subcommands = {
            StartCommand.class,
            InitCommand.class,
            NodesCommand.class,
            RangesCommand.class,
            SplitCommand.class,
            LeaseTransferCommand.class,
            KvCommand.class,
            StatusCommand.class,
            AdminCommand.class,
            DemoCommand.class,
            SqlCommand.class,
            SettingsCommand.class,
            CertCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Before the first logger: the property is read once, when the log manager is made.
        System.setProperty("java.util.logging.manager", NodeLogManager.class.getName());
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; for tests and embedding. */
    public static int run(String... args) {
        return run(new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with its error output on {@code err}; for tests. */
    public static int run(PrintWriter err, String... args) {
        LogSetup.install(Level.INFO);
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(err);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler(Main::failure);
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a verb is required");
    }

    /** Bad flags: one clear line and exit code 2, not a wall of usage text. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("conclave: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                + " --help')");
        return EXIT_USAGE;
    }

    private static int failure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof IllegalArgumentException) {
            err.println("conclave: " + e.getMessage() + " (see '" + cli.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        }
        if (e instanceof StoreMismatchException || e instanceof KvException || e instanceof ClusterException) {
            err.println("conclave: " + e.getMessage());
            return EXIT_FAILURE;
        }
        String what = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        err.println("conclave: " + what);
        return EXIT_FAILURE;
    }
}
