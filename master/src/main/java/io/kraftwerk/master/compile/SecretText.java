package io.kraftwerk.master.compile;

/**
 * A secret as a template sees it: it renders as its text, but equals nothing but itself and has no
 * order, so a template cannot branch on it. Otherwise {@code {#if data.db.password < 'm'}} would make
 * whether (and where) rendering fails depend on the value, and a compile error's place would tell it.
 */
final class SecretText {
    private final String text;

    SecretText(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
