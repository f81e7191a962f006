<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>digit::ui::MainWindow</name>
    <message numerus="yes">
        <source>&lt;p&gt;%n model(s) trained in this session are not saved:&lt;/p&gt;&lt;ul&gt;%1&lt;/ul&gt;&lt;p&gt;Save them before quitting?&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;p&gt;%n model trained in this session is not saved:&lt;/p&gt;&lt;ul&gt;%1&lt;/ul&gt;&lt;p&gt;Save it before quitting?&lt;/p&gt;</numerusform>
            <numerusform>&lt;p&gt;%n models trained in this session are not saved:&lt;/p&gt;&lt;ul&gt;%1&lt;/ul&gt;&lt;p&gt;Save them before quitting?&lt;/p&gt;</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved %1 (%n page(s))</source>
        <translation>
            <numerusform>Saved %1 (%n page)</numerusform>
            <numerusform>Saved %1 (%n pages)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>digit::ui::ModelLibrary</name>
    <message numerus="yes">
        <source>Trained for %n epoch(s)</source>
        <translation>
            <numerusform>Trained for %n epoch</numerusform>
            <numerusform>Trained for %n epochs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>digit::ui::NetworkEditor</name>
    <message numerus="yes">
        <source>%n unit(s)</source>
        <translation>
            <numerusform>%n unit</numerusform>
            <numerusform>%n units</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n filter(s)</source>
        <translation>
            <numerusform>%n filter</numerusform>
            <numerusform>%n filters</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>digit::ui::QuizPage</name>
    <message numerus="yes">
        <source>%n image(s) you called ambiguous are not scored, for you or the model.</source>
        <translation>
            <numerusform>%n image you called ambiguous is not scored, for you or the model.</numerusform>
            <numerusform>%n images you called ambiguous are not scored, for you or the model.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>digit::ui::TrainPage</name>
    <message numerus="yes">
        <source>Training %1 on %2 images for %n epoch(s)</source>
        <translation>
            <numerusform>Training %1 on %2 images for %n epoch</numerusform>
            <numerusform>Training %1 on %2 images for %n epochs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>finished all %n epoch(s)</source>
        <translation>
            <numerusform>finished all %n epoch</numerusform>
            <numerusform>finished all %n epochs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>stopped early after %n epoch(s): the monitored figure stopped improving</source>
        <translation>
            <numerusform>stopped early after %n epoch: the monitored figure stopped improving</numerusform>
            <numerusform>stopped early after %n epochs: the monitored figure stopped improving</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>stopped by you after %n full epoch(s)</source>
        <translation>
            <numerusform>stopped by you after %n full epoch</numerusform>
            <numerusform>stopped by you after %n full epochs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n epoch(s) in %1</source>
        <translation>
            <numerusform>%n epoch in %1</numerusform>
            <numerusform>%n epochs in %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>stopped by you in epoch %1 at batch %2 of %3, after %n full epoch(s)</source>
        <translation>
            <numerusform>stopped by you in epoch %1 at batch %2 of %3, after %n full epoch</numerusform>
            <numerusform>stopped by you in epoch %1 at batch %2 of %3, after %n full epochs</numerusform>
        </translation>
    </message>
</context>
</TS>
