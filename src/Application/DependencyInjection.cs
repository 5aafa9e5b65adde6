using CleanUser.Application.Audit;
using CleanUser.Application.Common.Behaviors;
using CleanUser.Application.Common.Idempotency;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Common.Security;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.Application;

public static class DependencyInjection
{
    /// <summary>
    /// MediatR 5 has no registration extension here, so handlers are registered by scanning this
    /// assembly and the mediator gets a <see cref="ServiceFactory"/> over the container.
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        var assembly = typeof(DependencyInjection).Assembly;

        services.AddScoped<ServiceFactory>(provider => provider.GetService!);
        services.AddScoped<IMediator, Mediator>();
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(IsHandlerContract))
            {
                services.AddScoped(contract, type);
            }
        }

        // Outermost first: MediatR 5 wraps the handler in the registered order.
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(LoggingBehavior<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(AuthorizationBehavior<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(TransactionBehavior<,>));
        // Inside the transaction: an Idempotency-Key's response commits with the change (docs/api.md#idempotency).
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(IdempotencyBehavior<,>));
        services.AddScoped<IdempotentResponse>();

        services.AddValidatorsFromAssembly(assembly, ServiceLifetime.Scoped, includeInternalTypes: true);
        services.AddAutoMapper(_ => { }, assembly);

        // The images of a request, decoded in its validation step and taken by its handler (docs/images.md#when).
        services.AddScoped<PreparedImages>();

        services.AddScoped<CurrentCaller>();
        // A transient forward to the scope's one caller, as Infrastructure's DependencyInjection explains for its ports.
        services.AddTransient<ICurrentUser>(provider => provider.GetRequiredService<CurrentCaller>());
        services.AddScoped<ChangeOrigin>();
        return services;
    }

    private static bool IsHandlerContract(Type contract) =>
        contract.IsGenericType &&
        (contract.GetGenericTypeDefinition() == typeof(IRequestHandler<,>) ||
         contract.GetGenericTypeDefinition() == typeof(INotificationHandler<>));
}
