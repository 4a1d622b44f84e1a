using Akka.Configuration;

namespace ChatActors.Hosting;

/// <summary>Reads the HOCON files of the hocon/ folder that the build copies beside the binaries.</summary>
public static class ChatConfig
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "hocon");

    /// <summary>base.conf over persistence.conf: everything a node needs but its own overrides.</summary>
    public static Config LoadBase() => Load("base.conf").WithFallback(Load("persistence.conf"));

    public static Config Load(string fileName) => ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(Folder, fileName)));

    /// <summary>A HOCON string literal, quoted and escaped.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
