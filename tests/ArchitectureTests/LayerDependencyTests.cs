using System.Reflection;
using System.Xml.Linq;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence;

namespace CleanUser.ArchitectureTests;

/// <summary>Dependencies point inward only (ARCHITECTURE.md): WebApi → Infrastructure → Application → Domain.</summary>
public class LayerDependencyTests
{
    private static readonly Assembly Domain = typeof(User).Assembly;
    private static readonly Assembly Application = typeof(IUserRepository).Assembly;
    private static readonly Assembly Infrastructure = typeof(CleanUserDbContext).Assembly;
    private static readonly Assembly WebApi = typeof(Program).Assembly;

    [Fact]
    public void Domain_references_nothing_but_the_base_class_library()
    {
        var references = ReferencedNames(Domain);

        Assert.All(references, name => Assert.True(
            name is "System.Runtime" or "System.Collections" or "System.Linq" or "System.Memory" or "netstandard"
                || name.StartsWith("System.", StringComparison.Ordinal),
            $"Domain references {name}"));
        Assert.DoesNotContain(references, IsOurs);
    }

    [Fact]
    public void Application_does_not_reference_infrastructure_web_or_ef_core()
    {
        var references = ReferencedNames(Application);

        Assert.Contains("CleanUser.Domain", references);
        Assert.DoesNotContain(references, n => n is "CleanUser.Infrastructure" or "CleanUser.WebApi");
        Assert.DoesNotContain(references, n => n.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && n != "Microsoft.AspNetCore.JsonPatch.SystemTextJson");
    }

    [Fact]
    public void Infrastructure_does_not_reference_the_web_layer()
    {
        var references = ReferencedNames(Infrastructure);

        Assert.DoesNotContain("CleanUser.WebApi", references);
        Assert.DoesNotContain(references, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void WebApi_is_the_composition_root_and_references_every_layer()
    {
        var references = ReferencedNames(WebApi);

        Assert.Contains("CleanUser.Application", references);
        Assert.Contains("CleanUser.Infrastructure", references);
    }

    [Theory]
    [InlineData("src/Domain/Domain.csproj")]
    [InlineData("src/Application/Application.csproj", "Domain")]
    [InlineData("src/Infrastructure/Infrastructure.csproj", "Application")]
    [InlineData("src/WebApi/WebApi.csproj", "Infrastructure", "Application")]
    public void Project_files_reference_only_inner_layers(string project, params string[] allowed)
    {
        var document = XDocument.Load(Path.Combine(RepositoryRoot(), project));
        var references = document.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

        Assert.All(references, r => Assert.Contains(r, allowed));
    }

    [Fact]
    public void Domain_has_no_package_references()
    {
        var document = XDocument.Load(Path.Combine(RepositoryRoot(), "src/Domain/Domain.csproj"));

        Assert.Empty(document.Descendants("PackageReference"));
    }

    private static List<string> ReferencedNames(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

    private static bool IsOurs(string name) => name.StartsWith("CleanUser.", StringComparison.Ordinal);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CleanUser.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CleanUser.sln not found above the test output.");
    }
}
