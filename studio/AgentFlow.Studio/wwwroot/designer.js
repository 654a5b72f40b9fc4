// Loaded as a module by the workflow designer pages (no change to the document shell).
// Z.Blazor.Diagrams 3.0.4.1 measures nodes and ports with a ResizeObserver and reports each size to .NET with
// invokeMethodAsync('OnResize'). When a node is removed (delete, undo) the browser can still report its last size after
// .NET has released the node's object reference: the call is rejected ("no tracked object") and, unhandled, surfaces
// as a page error. The size of a node that no longer exists is of no use, so that one rejection is dropped.
export function guardDiagramResizeCallbacks() {
    const z = window.ZBlazorDiagrams;
    if (!z || z.agentflowGuarded) {
        return;
    }
    z.agentflowGuarded = true;
    const observe = z.observe;
    z.observe = function (element, ref, id) {
        const guarded = {
            invokeMethodAsync: function (method, ...args) {
                const call = ref.invokeMethodAsync(method, ...args);
                return method === 'OnResize' ? call.catch(function () { /* removed while being measured */ }) : call;
            }
        };
        return observe.call(z, element, guarded, id);
    };
}
