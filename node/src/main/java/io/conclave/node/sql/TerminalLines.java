package io.conclave.node.sql;

import java.io.IOException;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive shell's input: JLine line editing and a history file. Ctrl-C drops the line
 * being typed (an empty line; a statement already begun stays until its ';'), Ctrl-D ends input.
 */
public final class TerminalLines implements SqlShell.LineSource, AutoCloseable {
    /** Lines of history kept in the file. */
    static final int HISTORY_LINES = 1000;

    private final Terminal terminal;
    private final LineReader reader;

    /** Opens the process's terminal; {@code historyFile} may be null for no history. */
    public TerminalLines(Path historyFile) throws IOException {
        this.terminal = TerminalBuilder.builder().system(true).build();
        // SQL is typed as is: no backslash escapes (the shell's commands start with one) and no
        // history expansion ('!=' is an operator).
        DefaultParser parser = new DefaultParser();
        parser.setEscapeChars(new char[0]);
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("conclave").parser(parser)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .variable(LineReader.HISTORY_SIZE, HISTORY_LINES).variable(LineReader.HISTORY_FILE_SIZE, HISTORY_LINES);
        if (historyFile != null) builder.variable(LineReader.HISTORY_FILE, historyFile);
        this.reader = builder.build();
    }

    @Override
    public String readLine(String prompt) {
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException e) {
            return "";
        } catch (EndOfFileException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
