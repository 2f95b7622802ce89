package io.kraftwerk.agent.provider;

/**
 * One property to change: from what the node has to what the catalog wants.
 *
 * @param property the property name
 * @param previous the observed value (null: absent)
 * @param desired  the desired value
 * @param kind     how the values may be shown
 */
public record Change(String property, String previous, String desired, Property.Kind kind) {

    public boolean isEnsure() {
        return property.equals(Desired.ENSURE);
    }
}
