package io.kraftwerk.model.validation;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.List;
import java.util.Optional;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/**
 * Checks each field against its range, so that a schedule cron would skip with a line in syslog
 * (cron ignores a whole cron.d file with one bad line) is a compile error that names the field.
 */
public final class CronScheduleValidator implements ConstraintValidator<CronSchedule, String> {
    private static final List<String> NICKNAMES = List.of("@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly");
    private static final List<Field> FIELDS = List.of(
            new Field("minute", 0, 59, List.of()),
            new Field("hour", 0, 23, List.of()),
            new Field("day of month", 1, 31, List.of()),
            new Field("month", 1, 12, List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
            new Field("day of week", 0, 7, List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat")));

    private record Field(String name, int min, int max, List<String> names) {
        /** Names count from min: jan is 1, sun is 0. */
        Optional<Integer> value(String text) {
            int named = names.indexOf(text.toLowerCase());
            if (named >= 0) {
                return Optional.of(min + named);
            }
            if (!text.matches("[0-9]{1,2}")) {
                return Optional.empty();
            }
            int v = Integer.parseInt(text);
            return v < min || v > max ? Optional.empty() : Optional.of(v);
        }
    }

    @Override
    public boolean isValid(String schedule, ConstraintValidatorContext context) {
        if (schedule == null) {
            return true;
        }
        Optional<String> problem = problem(schedule);
        problem.ifPresent(p -> context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("problem", p));
        return problem.isEmpty();
    }

    /** What is wrong with {@code schedule}, if anything. */
    public static Optional<String> problem(String schedule) {
        String s = schedule.strip();
        if (s.startsWith("@")) {
            return NICKNAMES.contains(s) ? Optional.empty() : Optional.of("unknown '" + s + "'; one of " + String.join(" ", NICKNAMES));
        }
        String[] fields = s.split("[ \t]+");
        if (fields.length != 5 || s.isEmpty()) {
            return Optional.of("it has " + (s.isEmpty() ? 0 : fields.length) + " fields, cron takes 5 (minute hour day-of-month month day-of-week)");
        }
        for (int i = 0; i < 5; i++) {
            Optional<String> p = fieldProblem(fields[i], FIELDS.get(i));
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fieldProblem(String text, Field field) {
        for (String item : text.split(",", -1)) {
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                String step = item.substring(slash + 1);
                if (!step.matches("[0-9]{1,2}") || Integer.parseInt(step) == 0 || Integer.parseInt(step) > field.max()) {
                    return bad(field, item, "the step after '/' must be a number from 1 to " + field.max());
                }
                range = item.substring(0, slash);
            }
            if (range.equals("*")) {
                continue;
            }
            int dash = range.indexOf('-');
            if (dash >= 0) {
                Optional<Integer> from = field.value(range.substring(0, dash));
                Optional<Integer> to = field.value(range.substring(dash + 1));
                if (from.isEmpty() || to.isEmpty()) {
                    return bad(field, item, "a range takes two values from " + field.min() + " to " + field.max());
                }
                if (from.get() > to.get()) {
                    return bad(field, item, "the range runs backwards");
                }
            } else if (slash >= 0 || field.value(range).isEmpty()) {
                return bad(field, item, slash >= 0 ? "a step needs '*' or a range before it"
                        : "not a value from " + field.min() + " to " + field.max() + (field.names().isEmpty() ? "" : " or a name"));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> bad(Field field, String item, String why) {
        return Optional.of(field.name() + " '" + item + "': " + why);
    }
}
