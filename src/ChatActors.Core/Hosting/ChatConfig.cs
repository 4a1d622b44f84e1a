using Akka.Configuration;

namespace ChatActors.Hosting;

/// <summary>Reads the HOCON files of the hocon/ folder that the build copies beside the binaries.</summary>
public static class ChatConfig
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "hocon");

    public static Config LoadBase() => Load("base.conf");

    public static Config Load(string fileName) => ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(Folder, fileName)));

    /// <summary>A HOCON string literal, quoted and escaped.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
