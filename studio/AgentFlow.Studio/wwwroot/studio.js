// The Studio's few browser helpers; everything else runs on the server.
window.agentflowStudio = {
    getTheme: function () {
        try {
            const stored = localStorage.getItem("agentflow.theme");
            if (stored) {
                return stored;
            }
        } catch (e) { /* storage disabled: fall back to the system preference */ }
        return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    },
    setTheme: function (theme) {
        try { localStorage.setItem("agentflow.theme", theme); } catch (e) { /* not kept, still applied */ }
    },
    // Saves text as a file (CSV export, workflow export) without a second request.
    download: function (fileName, contentType, text) {
        const blob = new Blob([text], { type: contentType });
        const url = URL.createObjectURL(blob);
        const a = document.createElement("a");
        a.href = url;
        a.download = fileName;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }
};
