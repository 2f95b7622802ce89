package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.SysctlName;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A kernel parameter: its value now (written to /proc/sys) and after every boot (kept in
 * {@code /etc/sysctl.d/60-kraftwerk-NAME.conf}, which systemd-sysctl and procps read at boot).
 *
 * @param name   the parameter, e.g. {@code net.ipv4.ip_forward}
 * @param ensure {@code present} (default): set now and kept; {@code absent}: the file is removed
 *               and the value now is left as it is (the kernel's default comes back at the next boot)
 * @param value  the value, e.g. {@code 1} or {@code 32768 60999}; required with {@code present}
 */
@Sensitivity // nothing of it is secret
public record SysctlResource(
        @NotNull @SysctlName String name,
        @NotNull Ensure ensure,
        @Size(max = 4096) String value) implements Resource {

    public SysctlResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
    }

    @Override
    public String title() {
        return name;
    }

    @JsonIgnore
    @AssertTrue(message = "'value' is required with ensure: present, on one line")
    public boolean isValueOneLineWhenPresent() {
        return ensure == Ensure.ABSENT || value != null && !value.isBlank() && value.indexOf('\n') < 0 && value.indexOf('\r') < 0;
    }

    @JsonIgnore
    @AssertTrue(message = "'value' is not taken with ensure: absent (the value now is left as it is)")
    public boolean isNoValueWhenAbsent() {
        return ensure != Ensure.ABSENT || value == null;
    }
}
