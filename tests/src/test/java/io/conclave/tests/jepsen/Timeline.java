package io.conclave.tests.jepsen;

import io.conclave.tests.check.History;
import io.conclave.tests.check.Op;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's timeline as one self-contained HTML page (no scripts or files it needs to load): one
 * lane per process with each operation as a bar from invocation to completion, colored by outcome
 * (ok, fail, info), and the nemesis' faults as bands across every lane, its momentary actions as
 * lines. Faults that overlap in time are stacked: each band starts one label's height below the
 * bands still open when it began, so both names and both extents show. Hovering shows an operation's value and error, or an event's text.
 */
final class Timeline {
    private Timeline() {}

    /** Operations drawn at most; beyond, the page would be too large to open, and says so. */
    static final int MAX_OPS_DRAWN = 50_000;
    static final int LANE_PX = 14;
    /** How far below the one before an overlapping fault's band starts: one label's height. */
    static final int FAULT_LEVEL_PX = 12;

    static String html(NemesisRun.Result result, History history, EventLog log) {
        List<EventLog.Event> events = log.events();
        long t0 = log.startNanos();
        long t1 = t0 + 1;
        for (Op op : history.ops()) {
            t0 = Math.min(t0, op.timeNanos());
            t1 = Math.max(t1, op.timeNanos());
        }
        for (EventLog.Event e : events) t1 = Math.max(t1, e.atNanos());
        Map<Integer, Integer> lanes = new TreeMap<>();
        for (History.Call c : history.calls()) lanes.putIfAbsent(c.process(), 0);
        int lane = 0;
        for (Map.Entry<Integer, Integer> e : lanes.entrySet()) e.setValue(lane++);
        int height = Math.max(1, lanes.size()) * LANE_PX + 14; // lanes, then the time axis

        StringBuilder out = new StringBuilder(1 << 16);
        out.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(esc(result.options().label())).append("</title>\n<style>\n")
                .append("body{font:13px sans-serif;margin:16px}#t{position:relative;border:1px solid #999;")
                .append("height:").append(height + 20).append("px;overflow:hidden}")
                .append(".o{position:absolute;height:").append(LANE_PX - 3).append("px;min-width:1px;")
                .append("box-sizing:border-box;border-right:1px solid #fff}") // consecutive operations stay apart
                .append(".ok{background:#4a4}.fail{background:#e88}.info{background:#f90}")
                .append(".f{position:absolute;bottom:0;background:rgba(90,90,255,.15);border-left:1px solid #55f}")
                .append(".p{position:absolute;top:0;bottom:0;width:1px;background:#a0a}")
                .append(".l{position:absolute;top:0;font-size:10px;color:#338;white-space:nowrap}")
                .append(".x{position:absolute;bottom:0;font-size:10px;color:#666;border-left:1px solid #ccc;")
                .append("padding-left:2px;height:12px}")
                .append("pre{background:#f4f4f4;padding:8px;max-height:300px;overflow:auto}")
                .append("</style></head><body>\n<h2>").append(esc(result.options().label())).append("</h2>\n<p><b>")
                .append(result.failed() ? "FAILED" : "passed").append("</b> &mdash; ").append(esc(result.summary()))
                .append("</p>\n<p>Green: ok, red: failed, orange: unknown (info). Blue bands: faults (overlapping ones stacked); purple lines: ")
                .append("moves and other momentary events. ").append(String.format(Locale.ROOT, "%.1f", (t1 - t0) / 1e9))
                .append(" s shown; one lane per process.</p>\n<div id=\"t\">\n");

        long stepSeconds = axisStepSeconds((t1 - t0) / 1_000_000_000L);
        for (long s = 0; s * 1_000_000_000L <= t1 - t0; s += stepSeconds) {
            out.append("<div class=\"x\" style=\"left:").append(pct(s * 1_000_000_000L, t1 - t0)).append("%\">")
                    .append(s).append(" s</div>\n");
        }
        Map<Long, EventLog.Event> openFaults = new HashMap<>();
        Map<Long, Integer> levels = levels(events);
        for (EventLog.Event e : events) {
            switch (e.phase()) {
                case START -> openFaults.put(e.faultId(), e);
                case END -> {
                    EventLog.Event s = openFaults.remove(e.faultId());
                    if (s != null) {
                        band(out, s, levels.get(s.faultId()), e.atNanos(), t0, t1, s.what() + " / " + e.what());
                    }
                }
                case POINT -> out.append("<div class=\"p\" style=\"left:").append(pct(e.atNanos() - t0, t1 - t0))
                        .append("%\" title=\"").append(esc(e.nemesis() + ": " + e.what())).append("\"></div>\n");
            }
        }
        for (EventLog.Event s : openFaults.values()) {
            band(out, s, levels.get(s.faultId()), t1, t0, t1, s.what() + " (never healed)");
        }

        int drawn = 0;
        for (History.Call c : history.calls()) {
            if (drawn++ >= MAX_OPS_DRAWN) break;
            long start = c.invocation().timeNanos();
            long end = c.completion() == null ? t1 : c.completion().timeNanos();
            String cls = c.type().name().toLowerCase(Locale.ROOT);
            out.append("<div class=\"o ").append(cls).append("\" style=\"top:")
                    .append(20 + lanes.get(c.process()) * LANE_PX).append("px;left:").append(pct(start - t0, t1 - t0))
                    .append("%;width:").append(pct(end - start, t1 - t0)).append("%\" title=\"")
                    .append(esc(c.toString() + String.format(Locale.ROOT, " (%.0f ms)", (end - start) / 1e6)))
                    .append("\"></div>\n");
        }
        out.append("</div>\n");
        if (history.calls().size() > MAX_OPS_DRAWN) {
            out.append("<p>Only the first ").append(MAX_OPS_DRAWN).append(" of ").append(history.calls().size())
                    .append(" operations are drawn; history.edn has them all.</p>\n");
        }
        out.append("<h3>Nemesis events</h3>\n<pre>").append(esc(log.text())).append("</pre>\n<h3>Checker</h3>\n<pre>")
                .append(esc(result.verdict().detail())).append("</pre>\n</body></html>\n");
        return out.toString();
    }

    /** A round step that puts at most about 20 ticks on the axis. */
    static long axisStepSeconds(long totalSeconds) {
        for (long step : new long[] {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800}) {
            if (totalSeconds / step <= 20) return step;
        }
        return 3600;
    }

    /** Each fault's stacking level: the lowest not taken by a fault still open when it starts. */
    static Map<Long, Integer> levels(List<EventLog.Event> events) {
        Map<Long, Integer> levels = new HashMap<>();
        Map<Long, Integer> open = new HashMap<>();
        for (EventLog.Event e : events) {
            if (e.phase() == EventLog.Phase.START) {
                int level = 0;
                while (open.containsValue(level)) level++;
                open.put(e.faultId(), level);
                levels.put(e.faultId(), level);
            } else if (e.phase() == EventLog.Phase.END) {
                open.remove(e.faultId());
            }
        }
        return levels;
    }

    private static void band(StringBuilder out, EventLog.Event start, int level, long endNanos, long t0, long t1,
            String title) {
        out.append("<div class=\"f\" style=\"top:").append(level * FAULT_LEVEL_PX).append("px;left:")
                .append(pct(start.atNanos() - t0, t1 - t0)).append("%;width:")
                .append(pct(endNanos - start.atNanos(), t1 - t0)).append("%\" title=\"")
                .append(esc(start.nemesis() + ": " + title)).append("\"><span class=\"l\">")
                .append(esc(start.nemesis())).append("</span></div>\n");
    }

    private static String pct(long part, long whole) {
        return String.format(Locale.ROOT, "%.3f", 100.0 * Math.max(0, part) / Math.max(1, whole));
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
