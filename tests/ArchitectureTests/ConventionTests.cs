using System.Reflection;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;
using MediatR;

namespace CleanUser.ArchitectureTests;

/// <summary>The habits of STYLE.md that a reviewer would otherwise have to remember.</summary>
public class ConventionTests
{
    [Fact]
    public void Domain_entities_have_no_public_setters()
    {
        var types = typeof(User).Assembly.GetTypes().Where(t => t.IsClass && !typeof(Exception).IsAssignableFrom(t) && t.Namespace == typeof(User).Namespace);

        var publicSetters = types
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.SetMethod is { IsPublic: true } setter && !IsInitOnly(setter))
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}")
            .ToList();

        Assert.Empty(publicSetters);
    }

    [Fact]
    public void Request_handlers_live_in_a_feature_folder_beside_their_request()
    {
        var handlers = typeof(PatchUserCommand).Assembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequestHandler<,>)));

        Assert.All(handlers, handler =>
        {
            var request = handler.GetInterfaces()
                .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequestHandler<,>))
                .GetGenericArguments()[0];
            Assert.Equal(request.Namespace, handler.Namespace);
            Assert.Matches(@"^CleanUser\.Application\.\w+\.(Commands|Queries)\.\w+$", handler.Namespace!);
        });
    }

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
}
