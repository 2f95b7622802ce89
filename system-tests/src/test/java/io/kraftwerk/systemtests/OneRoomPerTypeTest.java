package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.resource.SensitivityMarks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every resource type has each of its rooms, the checklist of "Adding a resource type" in
 * docs/architecture.md: its record, its provider, its implied edges, its sensitivity marks, its
 * reference section, a golden compile case, its place in the agent's start-up training catalog and
 * in the published manifest schema.
 * A type that lacks one fails here with the room it lacks and where that room is.
 */
class OneRoomPerTypeTest {
    private static final Path ROOT = Repo.ROOT;

    @Test
    void theTypeListAndTheSealedInterfaceNameTheSameRecords() {
        Set<Class<?>> permitted = Set.of(Resource.class.getPermittedSubclasses());
        Set<Class<?>> listed = Arrays.stream(ResourceType.values()).map(ResourceType::recordClass).collect(Collectors.toSet());
        assertEquals(permitted, listed, "catalog-model: ResourceType and the permits of Resource name the same records");
        listed.forEach(c -> assertTrue(c.isRecord(), c.getSimpleName() + " is an immutable record"));
    }

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void hasItsProvider(ResourceType type) {
        List<Class<?>> provided = ProviderRegistry.standard(Duration.ofSeconds(1), Duration.ofSeconds(1), Path.of("/nonexistent")).all().stream()
                .<Class<?>>map(Provider::resourceClass).toList();
        assertTrue(provided.contains(type.recordClass()), type + ": no provider in agent ProviderRegistry.standard(...)");
    }

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void saysWhatItDependsOnInTheExhaustiveSwitchOfImplicitEdges(ResourceType type) throws IOException {
        String source = Files.readString(ROOT.resolve("master/src/main/java/io/kraftwerk/master/compile/ImplicitEdges.java"));
        String visit = source.substring(source.indexOf("private void visit(Resource r)"));
        visit = visit.substring(0, visit.indexOf("edges.run();"));
        assertTrue(visit.contains("switch (r.type())") && !visit.contains("instanceof"),
                "ImplicitEdges.visit is a switch over the type, which the compiler checks is exhaustive");
        assertTrue(visit.matches("(?s).*case [A-Z_, ]*\\b" + type.name() + "\\b.*"), type + ": no case in ImplicitEdges.visit");
    }

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void declaresWhichAttributesMarkItsSecrets(ResourceType type) {
        Optional<List<String>> marks = SensitivityMarks.of(type.recordClass());
        assertTrue(marks.isPresent(), type + ": " + type.recordClass().getSimpleName()
                + " declares no @Sensitivity (write @Sensitivity with no markers when nothing of it is secret)");
        List<String> attributes = attributes(type);
        marks.get().forEach(m -> assertTrue(attributes.contains(m), type + ": @Sensitivity names '" + m + "', not an attribute"));
        Optional<String> protectedAttribute = SensitivityMarks.protectedAttribute(type.recordClass());
        boolean always = SensitivityMarks.always(type.recordClass());
        assertEquals(!marks.get().isEmpty() || always, protectedAttribute.isPresent(), type + ": @Sensitivity marks secrets but does"
                + " not say which attribute they protect (protects = ...), or protects one without a mark (or always = true)");
        assertTrue(!always || marks.get().isEmpty(), type + ": an attribute secret always needs no mark");
        protectedAttribute.ifPresent(p -> assertTrue(attributes.contains(p), type + ": @Sensitivity protects '" + p + "', not an attribute"));
    }

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void hasItsReferenceSection(ResourceType type) throws IOException {
        String reference = Files.readString(ROOT.resolve("docs/manifest-reference.md"));
        assertTrue(reference.contains("\n### " + type.wireName() + "\n"), type + ": no '### " + type.wireName()
                + "' section in docs/manifest-reference.md (ManifestReferenceDocTest checks its attribute table)");
    }

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void isInAGoldenCompileCase(ResourceType type) throws IOException {
        try (Stream<Path> cases = Files.list(ROOT.resolve("master/src/test/resources/compile-cases"))) {
            assertTrue(cases.map(c -> c.resolve("expected-catalog.json")).filter(Files::exists)
                    .anyMatch(golden -> read(golden).contains("\"type\": \"" + type.wireName() + "\"")),
                    type + ": no compile case in master/src/test/resources/compile-cases compiles one");
        }
    }

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void isInTheAgentsTrainingCatalog(ResourceType type) throws IOException {
        assertTrue(Files.readString(ROOT.resolve("agent/src/cds/training-catalog.json")).contains("\"type\": \"" + type.wireName() + "\""),
                type + ": not in agent/src/cds/training-catalog.json, so its classes miss the agent's start-up archive");
    }

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void isInThePublishedManifestSchema(ResourceType type) throws IOException {
        assertTrue(Files.readString(ROOT.resolve("docs/schema/manifest.schema.json")).contains("\n    \"" + type.wireName() + "\" : {"),
                type + ": not in docs/schema/manifest.schema.json (ManifestSchemaTest regenerates it with -Dkraftwerk.golden.update=true)");
    }

    /** Record components as manifests spell them (snake_case). */
    private static List<String> attributes(ResourceType type) {
        return Arrays.stream(type.recordClass().getRecordComponents())
                .map(c -> c.getName().replaceAll("([A-Z])", "_$1").toLowerCase()).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
