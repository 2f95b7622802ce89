package io.kraftwerk.agent.provider;

/** An expected failure of a provider, with a message fit for the report ("apt-get exited with 100: …"). */
public class ProviderException extends Exception {
    public ProviderException(String message) {
        super(message);
    }

    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
