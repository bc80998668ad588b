package io.fleetplan.sim.report;

/** report.html (placeholder until the charts land). */
public final class ReportHtml {
    private ReportHtml() {
    }

    public static String render(Evaluation.Result r) {
        return "<html><body><pre>" + SummaryJson.write(r) + "</pre></body></html>\n";
    }
}
