package io.kraftwerk.model.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the catalog of a run came from. */
public enum CatalogSource {
    /** A catalog file given on the command line ({@code kw-agent apply}). */
    @JsonProperty("file") FILE,
    /** Freshly fetched from the master. */
    @JsonProperty("fresh") FRESH,
    /** The master did not answer or answered with an error: the last good catalog was used. */
    @JsonProperty("cached") CACHED
}
