package no.brokerclient.apicheck;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a module's public API as sorted, stable text, like OkHttp's {@code okhttp.api}: every public or protected
 * type of the packages the module exports ({@code module-info}'s unqualified {@code exports}; without a
 * {@code module-info}, every package except those with an {@code internal} segment), with its supertypes and its
 * public and protected constructors, methods and fields, generic signatures included. A change to the file is a
 * change to the API: review it like code.
 */
public final class ApiDump {
  private ApiDump() {}

  /**
   * @param classes a module's compiled classes ({@code target/classes})
   * @param loader loads them (and the types their signatures name), without initializing them
   * @return the dump, one line per type header and member, ending with a newline
   * @throws IOException if the classes cannot be listed
   */
  public static String dump(Path classes, ClassLoader loader) throws IOException {
    StringBuilder out = new StringBuilder();
    for (String name : typeNames(classes)) {
      Class<?> c;
      try {
        c = Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IOException("cannot load " + name + " to dump it: " + e, e);
      }
      if (visible(c)) {
        type(c, out);
      }
    }
    return out.toString();
  }

  /** The binary names of the classes in the exported packages, sorted. */
  static List<String> typeNames(Path classes) throws IOException {
    Set<String> packages = exportedPackages(classes);
    List<String> names = new ArrayList<>();
    for (String pkg : packages) {
      Path dir = classes.resolve(pkg.replace('.', '/'));
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        files.map(p -> p.getFileName().toString())
            .filter(f -> f.endsWith(".class") && !f.equals("module-info.class") && !f.equals("package-info.class"))
            .map(f -> pkg + "." + f.substring(0, f.length() - ".class".length()))
            .forEach(names::add);
      }
    }
    names.sort(null);
    return names;
  }

  /** Unqualified exports of {@code module-info.class}, or every package without an {@code internal} segment. */
  static Set<String> exportedPackages(Path classes) throws IOException {
    Path info = classes.resolve("module-info.class");
    Set<String> packages = new TreeSet<>();
    if (Files.exists(info)) {
      try (InputStream in = Files.newInputStream(info)) {
        ModuleDescriptor d = ModuleDescriptor.read(in);
        d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
            .forEach(packages::add);
      }
      return packages;
    }
    try (Stream<Path> all = Files.walk(classes)) {
      all.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().equals("module-info.class"))
          .map(p -> classes.relativize(p.getParent()).toString().replace('\\', '.').replace('/', '.'))
          .filter(pkg -> !pkg.isEmpty() && !Arrays.asList(pkg.split("\\.")).contains("internal")
              && !pkg.startsWith("META-INF"))
          .forEach(packages::add);
    }
    return packages;
  }

  /** Public or protected, and so is every enclosing type; never synthetic, anonymous or local. */
  static boolean visible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (k.isSynthetic() || k.isAnonymousClass() || k.isLocalClass() || !exposed(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void type(Class<?> c, StringBuilder out) {
    StringBuilder h = new StringBuilder();
    if (c.isAnnotationPresent(Deprecated.class)) {
      h.append("@Deprecated ");
    }
    int m = c.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL
        | Modifier.ABSTRACT);
    String kind;
    if (c.isAnnotation()) {
      kind = "@interface";
      m &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (c.isInterface()) {
      kind = "interface";
      m &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (c.isEnum()) {
      kind = "enum";
      m &= ~(Modifier.FINAL | Modifier.STATIC | Modifier.ABSTRACT);
    } else if (c.isRecord()) {
      kind = "record";
      m &= ~(Modifier.FINAL | Modifier.STATIC);
    } else {
      kind = "class";
    }
    h.append(modifiers(m)).append(kind).append(' ').append(c.getName()).append(typeParameters(c.getTypeParameters()));
    Type sup = c.getGenericSuperclass();
    if (sup != null && sup != Object.class && !c.isEnum() && !c.isRecord()) {
      h.append(" extends ").append(sup.getTypeName());
    }
    Type[] interfaces = c.getGenericInterfaces();
    if (interfaces.length > 0 && !c.isAnnotation()) {
      h.append(c.isInterface() ? " extends " : " implements ").append(Arrays.stream(interfaces).map(Type::getTypeName)
          .collect(Collectors.joining(", ")));
    }
    out.append(h).append(" {\n");
    Set<String> members = new TreeSet<>();
    for (Field f : c.getDeclaredFields()) {
      if (!f.isSynthetic() && exposed(f.getModifiers())) {
        members.add(deprecated(f.isAnnotationPresent(Deprecated.class)) + modifiers(f.getModifiers()
            & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL))
            + f.getGenericType().getTypeName() + " " + f.getName());
      }
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (!k.isSynthetic() && exposed(k.getModifiers()) && !(c.isEnum())) {
        members.add(executable(k, "<init>", null));
      }
    }
    for (Method me : c.getDeclaredMethods()) {
      if (!me.isSynthetic() && !me.isBridge() && exposed(me.getModifiers())) {
        members.add(executable(me, me.getName(), me.getGenericReturnType()));
      }
    }
    for (String member : members) {
      out.append("  ").append(member).append('\n');
    }
    out.append("}\n\n");
  }

  private static String executable(Executable e, String name, Type returns) {
    int mask = Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT;
    StringBuilder b = new StringBuilder(deprecated(e.isAnnotationPresent(Deprecated.class)));
    b.append(modifiers(e.getModifiers() & mask));
    if (e instanceof Method me && me.isDefault()) {
      b.append("default ");
    }
    String tp = typeParameters(e.getTypeParameters());
    if (!tp.isEmpty()) {
      b.append(tp).append(' ');
    }
    if (returns != null) {
      b.append(returns.getTypeName()).append(' ');
    }
    b.append(name).append('(').append(Arrays.stream(e.getGenericParameterTypes()).map(Type::getTypeName)
        .collect(Collectors.joining(", "))).append(')');
    if (e.isVarArgs()) {
      b.replace(b.lastIndexOf("[]"), b.lastIndexOf("[]") + 2, "...");
    }
    Type[] thrown = e.getGenericExceptionTypes();
    if (thrown.length > 0) {
      b.append(" throws ").append(Arrays.stream(thrown).map(Type::getTypeName).sorted()
          .collect(Collectors.joining(", ")));
    }
    return b.toString();
  }

  private static String deprecated(boolean d) {
    return d ? "@Deprecated " : "";
  }

  private static String modifiers(int m) {
    String s = Modifier.toString(m);
    return s.isEmpty() ? "" : s + " ";
  }

  private static String typeParameters(TypeVariable<?>[] vars) {
    if (vars.length == 0) {
      return "";
    }
    return Arrays.stream(vars).map(v -> {
      Type[] bounds = v.getBounds();
      boolean plain = bounds.length == 1 && bounds[0] == Object.class;
      return plain ? v.getName() : v.getName() + " extends " + Arrays.stream(bounds).map(Type::getTypeName)
          .collect(Collectors.joining(" & "));
    }).collect(Collectors.joining(", ", "<", ">"));
  }
}
