package org.leafwalk.ui;

import java.util.List;
import org.leafwalk.testing.InProcessServer;

/**
 * Every window test, with the window a client of {@code leafwalk serve} over an in-process gRPC channel: the same
 * drags, keys, exports and what the window draws, with the model on the server (named by the catalogue's name of
 * its folder) and the files written here.
 */
class RemoteMainWindowTest extends MainWindowTest {
    private InProcessServer server;

    /** TestFX calls the @Start its test class declares, not an inherited one. */
    @Override
    @org.testfx.framework.junit5.Start
    void start(javafx.stage.Stage stage) throws Exception {
        super.start(stage);
    }

    @Override
    protected LeafwalkApp.Options options(LeafwalkApp.Options local) throws Exception {
        server = new InProcessServer(List.of(local.model()));
        return local.withServices(server.opener());
    }

    @Override
    protected java.nio.file.Path served(java.nio.file.Path model) {
        server.server().addModel(model);
        return model;
    }

    @Override
    protected void closed() throws Exception {
        server.close();
    }
}
