package io.kraftwerk.agent.provider.python;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pep440Test {

    @ParameterizedTest(name = "{0} satisfied by {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "gunicorn|20.1.0|true",
        "gunicorn==20.1.0|20.1.0|true",
        "gunicorn==20.1|20.1.0|true",
        "gunicorn==20.1.1|20.1.0|false",
        "requests>=2.31,<3|2.31.0|true",
        "requests>=2.31,<3|3.0.0|false",
        "requests>=2.31,<3|2.30.9|false",
        "django~=4.2|4.2.7|true",
        "django~=4.2|5.0|false",
        "django~=4.2.1|4.2.0|false",
        "django~=4.2.1|4.3.0|false",
        "flask!=2.0.0|2.0.0|false",
        "flask==2.*|2.3.3|true",
        "flask==2.*|3.0.0|false",
        "pkg>1.0|1.0.post1|false",
        "pkg>=1.0|1.0rc1|false",
        "pkg<2.0|2.0rc1|false",
        "pkg<2.0|1.9|true",
        "pkg>=1.0a1|1.0b2|true",
        "pkg>=1.0|1.0.dev3|false",
        "pkg===1.0-custom|1.0-custom|true",
        "Some_Pkg.Name[extra]>=1|1.5|true",
    })
    void matchesRequirementsAsPipDoes(String requirement, String installed, boolean satisfied) {
        assertEquals(satisfied, Pep440.Requirement.parse(requirement).satisfiedBy(installed));
    }

    @ParameterizedTest
    @CsvSource({"1.0,1.0.0,0", "1.0a1,1.0,-1", "1.0.dev1,1.0a1,-1", "1.0,1.0.post1,-1", "1!0.1,2.0,1", "1.10,1.9,1"})
    void ordersVersions(String a, String b, int sign) {
        assertEquals(sign, Integer.signum(Pep440.Version.parse(a).compareTo(Pep440.Version.parse(b))));
    }

    @ParameterizedTest
    @CsvSource({"Foo_Bar.baz,foo-bar-baz", "kwhello,kwhello", "A--B__C,a-b-c"})
    void normalizesNames(String name, String normalized) {
        assertEquals(normalized, Pep440.normalize(name));
    }
}
