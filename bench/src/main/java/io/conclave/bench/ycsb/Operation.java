package io.conclave.bench.ycsb;

/** The operation types of the run phase, with the names YCSB prints for them. */
public enum Operation {
    READ("READ"), UPDATE("UPDATE"), INSERT("INSERT"), SCAN("SCAN"), READ_MODIFY_WRITE("READ-MODIFY-WRITE");

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
