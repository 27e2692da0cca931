package dev.switchboard.agent.sdk.host;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Where classes come from: the jar or directory that holds a class file, found without loading the class. */
public final class ClassRoots {

    private ClassRoots() {
    }

    /** The jar or classes directory that {@code className} is read from by {@code loader}. */
    public static Path of(String className, ClassLoader loader) {
        String resource = className.replace('.', '/') + ".class";
        URL url = loader.getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("No class file for " + className);
        }
        try {
            String text = url.toString();
            if ("jar".equals(url.getProtocol())) {
                return Path.of(new URI(text.substring("jar:".length(), text.indexOf("!/"))));
            }
            if ("file".equals(url.getProtocol())) {
                Path file = Path.of(url.toURI());
                Path root = file;
                for (int i = 0; i < resource.split("/").length; i++) {
                    root = root.getParent();
                }
                return root;
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot locate the class file of " + className + " at " + url, e);
        }
        throw new IllegalArgumentException("Class " + className + " is not in a jar or directory: " + url);
    }

    /** What a tool process needs besides the agent's module: the SDK and the libraries it uses. */
    public static List<Path> runtime() {
        Set<Path> roots = new LinkedHashSet<>();
        ClassLoader loader = ClassRoots.class.getClassLoader();
        for (String type : List.of(ToolServer.class.getName(), "com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.annotation.JsonProperty")) {
            roots.add(of(type, loader));
        }
        return List.copyOf(roots);
    }
}
